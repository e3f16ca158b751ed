// What benchmarks/screenshot_cards.py measures in each reviewer page (run by the contact
// sheet in its iframes): overflow, contrast, images, font sizes.
function fgMeasure(doc, win) {
  const vw = win.innerWidth;
  const root = doc.documentElement;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return text ? s + ' "' + text + '"' : s;
  };
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let bg = [255, 255, 255, 1];
    for (const e of chain) bg = over(parse(win.getComputedStyle(e).backgroundColor), bg);
    return bg;
  };
  const scrolls = (el) => {
    for (let e = el.parentElement; e && e !== doc.body; e = e.parentElement) {
      const ox = win.getComputedStyle(e).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return e.getBoundingClientRect().right <= vw + 0.5;
    }
    return false;
  };
  const body = doc.body;
  const out = {viewport: vw, scrollWidth: root.scrollWidth,
               height: Math.ceil(body.getBoundingClientRect().bottom + parseFloat(win.getComputedStyle(body).marginBottom)),
               overflow: [], contrast: [], images: [], fonts: {}, scrollers: [], math: 0};
  for (const el of doc.body.querySelectorAll('*')) {
    const st = win.getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5 && !scrolls(el) && out.overflow.length < 8)
      out.overflow.push(describe(el) + ' right=' + Math.round(r.right));
    if (el.scrollWidth > el.clientWidth + 1 && (st.overflowX === 'auto' || st.overflowX === 'scroll'))
      out.scrollers.push(describe(el).slice(0, 60) + ' ' + el.clientWidth + '/' + el.scrollWidth);
    const direct = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (direct) {
      const bg = background(el);
      const fg = over(parse(st.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5) && out.contrast.length < 12)
        out.contrast.push(describe(el).slice(0, 70) + ' ' + ratio.toFixed(2) + ':1 ' + st.color + ' on rgb(' + bg.slice(0, 3).map(Math.round).join(',') + ')');
      if (size < 12 && out.contrast.length < 12) out.contrast.push(describe(el).slice(0, 60) + ' font ' + size + 'px');
    }
  }
  for (const img of doc.images) {
    const r = img.getBoundingClientRect();
    out.images.push({src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
                     natural: img.naturalWidth, shown: Math.round(r.width), right: Math.round(r.right)});
  }
  const font = (sel) => { const e = doc.querySelector(sel); return e ? win.getComputedStyle(e).fontSize : null; };
  for (const sel of ['.fg-context', '.fg-prompt', '.fg-answer p', '.fg-answer li', '.highlight pre',
                     '.fg-answer :not(pre) > code', 'td', '.fg-xref', '.fg-source', '.fg-terms-hint'])
    out.fonts[sel] = font(sel);
  out.math = (doc.body.textContent.match(/\\\(|\\\[/g) || []).length;
  return out;
}
