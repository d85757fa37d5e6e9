// Colour contrast of the text in Plotly charts, which axe-core cannot judge inside SVG (it reports it as
// "incomplete"). Returns one entry per text element below the WCAG 2.2 AA ratio for its size (1.4.3):
// 4.5:1, or 3:1 for large text (24px, or 18.66px bold). The background is the bar behind bar text, else the
// plot area or the paper. Colours with transparency are blended over that background.
() => {
  const parse = (value) => {
    const m = String(value).match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(',').map(Number);
    return { r, g, b, a };
  };
  const over = (fg, bg) => ({
    r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const hex = ({ r, g, b }) => '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const problems = [];
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, index) => {
    const key = [...(chart.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith('st-key-')) || `chart ${index + 1}`;
    const svg = chart.querySelector('.main-svg');
    if (!svg) return;
    const paperFill = parse(getComputedStyle(svg).backgroundColor) || white;
    const paper = paperFill.a < 1 ? over(paperFill, white) : paperFill;
    const plotRect = chart.querySelector('.bglayer rect.bg');
    const plotFill = plotRect ? parse(getComputedStyle(plotRect).fill) : null;
    const plot = plotFill ? over({ ...plotFill, a: plotFill.a * Number(getComputedStyle(plotRect).fillOpacity || 1) }, paper) : paper;
    chart.querySelectorAll('text').forEach((text) => {
      const content = text.textContent.trim();
      // Heatmap cell labels sit on cells drawn as an image whose colour is not in the DOM: not measured here.
      if (!content || text.closest('.hm') || text.classList.contains('heatmap-label')) return;
      const style = getComputedStyle(text);
      const fill = parse(style.fill);
      if (!fill) return;
      let background = text.closest('.cartesianlayer, .barlayer') ? plot : paper;
      const bar = text.closest('.point')?.querySelector('path');
      if (bar && text.classList.contains('bartext-inside')) {
        const barFill = parse(getComputedStyle(bar).fill);
        if (barFill) background = over({ ...barFill, a: barFill.a * Number(getComputedStyle(bar).fillOpacity || 1) }, plot);
      }
      const colour = over({ ...fill, a: fill.a * Number(style.fillOpacity || 1) * Number(style.opacity || 1) }, background);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700 || style.fontWeight === 'bold';
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      const got = ratio(colour, background);
      if (got < needed) {
        problems.push({ chart: key, text: content.slice(0, 60), cls: text.getAttribute('class') || text.parentElement.getAttribute('class'),
          foreground: hex(colour), background: hex(background), ratio: Math.round(got * 100) / 100, needed, size });
      }
    });
  });
  return problems;
}
