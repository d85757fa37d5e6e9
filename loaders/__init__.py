"""Read, validate, pseudonymise and store the spreadsheets agencies send."""
