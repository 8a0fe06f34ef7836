/* Result views for a SELECT, beside the table: bar, line, scatter, tree map and node-link graph, drawn as SVG.
   The view is chosen from the column types, or by a comment in the query (`#view: bar`, optionally
   `#view: bar ?column` for the number to draw), in the spirit of WDQS's `#defaultView:`.
   Each mark is a link to its row's entity page (the first IRI of ours in the row) and carries a <title>
   with the row's label and number as written (number and unit, as the entity pages show them).
   Values reach the SVG only as text nodes and attributes; no inline style, so the page's CSP holds. */
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(
    ["integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
      "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
      "unsignedShort", "unsignedByte"].map((name) => XSD + name),
  );
  const KINDS = ["bar", "line", "scatter", "treemap", "graph"];
  const ALIASES = { barchart: "bar", linechart: "line", scatterchart: "scatter", scatterplot: "scatter",
    bubblechart: "scatter", treemap: "treemap", graph: "graph", table: "table", bar: "bar", line: "line",
    scatter: "scatter" };
  const UNIT_WORDS = /^(yuan|mu|ratio|count|percent|unit)$/i;
  const WIDTH = 960;
  const MAX_MARKS = 400; // beyond this a chart is unreadable; the table holds every row

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const isNumber = (term) => term && term.type !== "uri" && NUMERIC.has(term.datatype);

  /* --- what the columns hold --- */

  function columns(vars, rows) {
    return vars.map((name) => {
      const terms = rows.map((row) => row[name]).filter(Boolean);
      const some = terms.length > 0;
      const numeric = some && terms.every(isNumber);
      const year = some && terms.every((t) => t.datatype === XSD + "gYear" ||
        (isNumber(t) && /year/i.test(name) && /^\d{4}$/.test(t.value)));
      return {
        name,
        numeric: numeric && !year,
        year,
        iri: some && terms.every((t) => t.type === "uri"),
        text: some && terms.every((t) => t.type === "literal" || t.type === "typed-literal") && !numeric && !year,
      };
    });
  }

  /* `#view: bar ?yuan` → { kind: "bar", column: "yuan" }; only comment lines count, wherever they are */
  function requested(query) {
    const match = /^[ \t]*#[ \t]*(?:view|defaultView)[ \t]*:[ \t]*(\w+)(?:[ \t]+\?(\w+))?/im.exec(query || "");
    if (!match) return null;
    const kind = ALIASES[match[1].toLowerCase()];
    return kind ? { kind, column: match[2] || null } : null;
  }

  function available(cols, rows) {
    const numeric = cols.filter((c) => c.numeric).length;
    const kinds = [];
    if (rows.length && numeric >= 1) kinds.push("bar", "line", "treemap");
    if (rows.length && numeric >= 2) kinds.push("scatter");
    if (rows.length && cols.filter((c) => c.iri).length >= 2) kinds.push("graph");
    return KINDS.filter((kind) => kinds.includes(kind));
  }

  /* The view to show first: the query's comment when it can be drawn, else one the columns suit, else the table. */
  function choose(query, vars, rows) {
    const cols = columns(vars, rows);
    const kinds = available(cols, rows);
    const asked = requested(query);
    if (asked && (asked.kind === "table" || kinds.includes(asked.kind))) return { kind: asked.kind, kinds, asked };
    const numeric = cols.filter((c) => c.numeric);
    let kind = "table";
    if (numeric.length && cols.some((c) => c.year)) kind = "line";
    else if (numeric.length >= 2 && !cols.some((c) => c.text || c.iri)) kind = "scatter";
    else if (numeric.length) kind = "bar";
    else if (kinds.includes("graph")) kind = "graph";
    return { kind, kinds, asked };
  }

  /* --- one mark per row: its label, number, unit and link --- */

  function marks(vars, rows, ctx, asked) {
    const cols = columns(vars, rows);
    const numeric = cols.filter((c) => c.numeric);
    const chosen = (asked && asked.column && numeric.find((c) => c.name === asked.column)) || numeric[numeric.length - 1];
    const labelColumn = cols.find((c) => c.text) || cols.find((c) => c.year) || cols.find((c) => c.iri);
    const linkColumns = cols.filter((c) => c.iri);
    const unitAfter = (name) => {
      const next = cols[vars.indexOf(name) + 1];
      return next && next.text && /unit/i.test(next.name) ? next.name : null;
    };
    // the number as written: a numeric column followed by its unit column (stated 15.48, unit 亿元) when there is one
    const stated = numeric.find((c) => unitAfter(c.name));
    return rows.slice(0, MAX_MARKS).map((row, index) => {
      const term = labelColumn ? row[labelColumn.name] : null;
      const label = term ? (term.type === "uri" ? ctx.name(term.value) : term.value) : String(index + 1);
      const link = linkColumns.map((c) => row[c.name] && ctx.localPath(row[c.name].value)).find(Boolean) || null;
      const iri = linkColumns.map((c) => row[c.name] && ctx.localPath(row[c.name].value) && row[c.name].value)
        .find(Boolean) || null;
      const value = row[chosen.name] ? Number(row[chosen.name].value) : NaN;
      let written;
      if (stated && row[stated.name]) {
        const unit = row[unitAfter(stated.name)];
        written = ctx.number(row[stated.name].value) + (unit ? ctx.unitGap(unit.value) + unit.value : "");
      } else {
        const unit = unitAfter(chosen.name) ? row[unitAfter(chosen.name)] : null;
        const word = unit ? unit.value : UNIT_WORDS.test(chosen.name) ? chosen.name : "";
        written = row[chosen.name] ? ctx.number(row[chosen.name].value) + (word ? ctx.unitGap(word) + word : "") : "";
      }
      const x = numeric.length >= 2 ? Number((row[numeric[0].name] || {}).value) : NaN;
      return { index, label, link, iri, value, written, x, year: labelColumn && labelColumn.year ? term : null };
    }).filter((mark) => Number.isFinite(mark.value));
  }

  function linked(mark, child) {
    const title = svg("title", {}, `${mark.label}: ${mark.written}`);
    if (!mark.link) return svg("g", { class: "mark", "data-row": mark.index }, title, child);
    return svg("a", { href: mark.link, class: "mark", "data-row": mark.index, "data-iri": mark.iri }, title, child);
  }

  function cut(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  /* long labels wrap onto two lines at a space (or anywhere in Chinese) before being shortened */
  function wrapped(text, length) {
    if (text.length <= length) return [text];
    let at = text.lastIndexOf(" ", length);
    if (at < length / 2) at = length;
    return [text.slice(0, at).trim(), cut(text.slice(at).trim(), length)];
  }

  /* --- the charts --- */

  function scale(values) {
    const low = Math.min(0, ...values);
    const high = Math.max(0, ...values);
    return { low, high, span: high - low || 1 };
  }

  function bar(items) {
    const labelWidth = 330;
    const rowHeight = 34;
    const height = items.length * rowHeight + 10;
    const s = scale(items.map((m) => m.value));
    const plot = WIDTH - labelWidth - 150;
    const at = (v) => labelWidth + ((v - s.low) / s.span) * plot;
    const chart = svg("svg", { class: "chart bar", viewBox: `0 0 ${WIDTH} ${height}`, role: "img" });
    items.forEach((mark, i) => {
      const y = i * rowHeight + 6;
      const lines = wrapped(mark.label, 46);
      const text = svg("text", { x: labelWidth - 8, y: y + (lines.length > 1 ? 9 : 17), class: "label" });
      lines.forEach((line, n) => text.append(svg("tspan", { x: labelWidth - 8, dy: n ? 13 : 0 }, line)));
      chart.append(text);
      const x0 = at(Math.min(0, mark.value));
      const width = Math.max(Math.abs(at(mark.value) - at(0)), 1);
      chart.append(linked(mark, svg("rect", { x: x0, y, width, height: rowHeight - 10, rx: 2 })));
      chart.append(svg("text", { x: x0 + width + 6, y: y + 17, class: "value", "data-iri": mark.iri }, mark.written));
    });
    return chart;
  }

  function axes(chart, left, top, right, bottom) {
    chart.append(svg("line", { x1: left, y1: bottom, x2: right, y2: bottom, class: "axis" }));
    chart.append(svg("line", { x1: left, y1: top, x2: left, y2: bottom, class: "axis" }));
  }

  function line(items) {
    const height = 380;
    const [left, right, top, bottom] = [80, WIDTH - 30, 20, height - 90];
    const s = scale(items.map((m) => m.value));
    const step = items.length > 1 ? (right - left) / (items.length - 1) : 0;
    const xAt = (i) => (items.length > 1 ? left + i * step : (left + right) / 2);
    const yAt = (v) => bottom - ((v - s.low) / s.span) * (bottom - top);
    const chart = svg("svg", { class: "chart line", viewBox: `0 0 ${WIDTH} ${height}`, role: "img" });
    axes(chart, left, top, right, bottom);
    chart.append(svg("text", { x: left - 8, y: yAt(s.high) + 4, class: "tick" }, String(s.high)));
    chart.append(svg("polyline", { points: items.map((m, i) => `${xAt(i)},${yAt(m.value)}`).join(" "), class: "trace" }));
    const every = Math.max(1, Math.ceil(items.length / 16)); // at most 16 labels under the axis
    items.forEach((mark, i) => {
      chart.append(linked(mark, svg("circle", { cx: xAt(i), cy: yAt(mark.value), r: 6 })));
      if (i % every === 0) {
        chart.append(svg("text", { x: xAt(i), y: bottom + 16, class: "tick slanted",
          transform: `rotate(30 ${xAt(i)} ${bottom + 16})` }, cut(mark.label, 24)));
      }
    });
    return chart;
  }

  function scatter(items) {
    const height = 420;
    const [left, right, top, bottom] = [80, WIDTH - 30, 20, height - 40];
    const sx = scale(items.map((m) => m.x));
    const sy = scale(items.map((m) => m.value));
    const chart = svg("svg", { class: "chart scatter", viewBox: `0 0 ${WIDTH} ${height}`, role: "img" });
    axes(chart, left, top, right, bottom);
    chart.append(svg("text", { x: right, y: bottom + 18, class: "tick end" }, String(sx.high)));
    chart.append(svg("text", { x: left - 8, y: top + 4, class: "tick" }, String(sy.high)));
    items.forEach((mark) => {
      const cx = left + ((mark.x - sx.low) / sx.span) * (right - left);
      const cy = bottom - ((mark.value - sy.low) / sy.span) * (bottom - top);
      chart.append(linked(mark, svg("circle", { cx, cy, r: 6 })));
    });
    return chart;
  }

  /* a squarified tree map (Bruls, Huizing, van Wijk 2000), written from the paper's description */
  function treemap(items) {
    const height = 480;
    const positive = items.filter((m) => m.value > 0).sort((a, b) => b.value - a.value);
    const chart = svg("svg", { class: "chart treemap", viewBox: `0 0 ${WIDTH} ${height}`, role: "img" });
    const total = positive.reduce((sum, m) => sum + m.value, 0) || 1;
    const scaleArea = (WIDTH * height) / total;
    let box = { x: 0, y: 0, w: WIDTH, h: height };
    let rowItems = [];
    const worst = (row, side) => {
      const areas = row.map((m) => m.value * scaleArea);
      const sum = areas.reduce((a, b) => a + b, 0);
      return Math.max(...areas.map((a) => Math.max((side * side * a) / (sum * sum), (sum * sum) / (side * side * a))));
    };
    const place = (row) => {
      const sum = row.reduce((a, m) => a + m.value * scaleArea, 0);
      const horizontal = box.w >= box.h; // lay the row along the shorter side
      const thickness = horizontal ? sum / box.h : sum / box.w;
      let offset = 0;
      for (const mark of row) {
        const length = (mark.value * scaleArea) / thickness;
        const r = horizontal
          ? { x: box.x, y: box.y + offset, w: thickness, h: length }
          : { x: box.x + offset, y: box.y, w: length, h: thickness };
        offset += length;
        const cell = svg("g", {}, svg("rect", { x: r.x, y: r.y, width: Math.max(r.w - 2, 1), height: Math.max(r.h - 2, 1) }));
        chart.append(linked(mark, cell));
        if (r.w > 60 && r.h > 34) {
          const chars = Math.floor(r.w / 8);
          chart.append(svg("text", { x: r.x + 6, y: r.y + 16, class: "cell-label" }, cut(mark.label, chars)));
          chart.append(svg("text", { x: r.x + 6, y: r.y + 31, class: "cell-value" }, cut(mark.written, chars)));
        }
      }
      box = horizontal
        ? { x: box.x + thickness, y: box.y, w: box.w - thickness, h: box.h }
        : { x: box.x, y: box.y + thickness, w: box.w, h: box.h - thickness };
    };
    for (const mark of positive) {
      const side = Math.min(box.w, box.h);
      if (!rowItems.length || worst([...rowItems, mark], side) <= worst(rowItems, side)) {
        rowItems.push(mark);
      } else {
        place(rowItems);
        rowItems = [mark];
      }
    }
    if (rowItems.length) place(rowItems);
    return chart;
  }

  /* IRIs in two columns as nodes and edges: a few hundred steps of a spring layout from a circle, deterministic */
  function graph(vars, rows, ctx) {
    const cols = columns(vars, rows).filter((c) => c.iri);
    const [from, to] = [cols[0].name, cols[cols.length - 1].name];
    const label = cols.length >= 3 ? cols[1].name : null;
    const nodes = new Map();
    const edges = [];
    const node = (iri) => {
      if (!nodes.has(iri)) nodes.set(iri, { iri, name: ctx.name(iri), link: ctx.localPath(iri), x: 0, y: 0 });
      return nodes.get(iri);
    };
    for (const row of rows.slice(0, MAX_MARKS)) {
      if (!row[from] || !row[to]) continue;
      edges.push({ a: node(row[from].value), b: node(row[to].value), label: label && row[label] ? ctx.name(row[label].value) : "" });
    }
    const height = 560;
    const list = [...nodes.values()];
    list.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / list.length;
      n.x = WIDTH / 2 + 0.4 * WIDTH * Math.cos(angle);
      n.y = height / 2 + 0.4 * height * Math.sin(angle);
    });
    const ideal = Math.sqrt((WIDTH * height) / Math.max(list.length, 1)) * 0.6;
    for (let step = 0; step < 200; step += 1) {
      const cool = 1 - step / 200;
      for (const a of list) {
        let dx = 0;
        let dy = 0;
        for (const b of list) {
          if (a === b) continue;
          const ex = a.x - b.x;
          const ey = a.y - b.y;
          const d2 = Math.max(ex * ex + ey * ey, 1);
          dx += (ex * ideal * ideal) / d2 / 10;
          dy += (ey * ideal * ideal) / d2 / 10;
        }
        a.fx = dx;
        a.fy = dy;
      }
      for (const e of edges) {
        const ex = e.b.x - e.a.x;
        const ey = e.b.y - e.a.y;
        const d = Math.max(Math.hypot(ex, ey), 1);
        const pull = (d - ideal) / d / 4;
        e.a.fx += ex * pull;
        e.a.fy += ey * pull;
        e.b.fx -= ex * pull;
        e.b.fy -= ey * pull;
      }
      for (const n of list) {
        const move = Math.hypot(n.fx, n.fy) || 1;
        const limit = Math.min(move, 20 * cool);
        n.x = Math.min(WIDTH - 90, Math.max(90, n.x + (n.fx / move) * limit));
        n.y = Math.min(height - 20, Math.max(20, n.y + (n.fy / move) * limit));
      }
    }
    const chart = svg("svg", { class: "chart graph", viewBox: `0 0 ${WIDTH} ${height}`, role: "img" });
    for (const e of edges) {
      chart.append(svg("line", { x1: e.a.x, y1: e.a.y, x2: e.b.x, y2: e.b.y, class: "edge" },
        svg("title", {}, `${e.a.name} → ${e.label ? e.label + " → " : ""}${e.b.name}`)));
    }
    list.forEach((n, index) => {
      const mark = { index, label: n.name, link: n.link, iri: n.iri, written: n.iri };
      chart.append(linked(mark, svg("circle", { cx: n.x, cy: n.y, r: 7 })));
      chart.append(svg("text", { x: n.x + 10, y: n.y + 4, class: "node-label" }, cut(n.name, 28)));
    });
    return chart;
  }

  /* The chart of `kind` for these rows, as an SVG element. */
  function draw(kind, vars, rows, ctx, asked) {
    if (kind === "graph") return graph(vars, rows, ctx);
    const items = marks(vars, rows, ctx, asked && asked.kind === kind ? asked : null);
    if (kind === "line") return line(items);
    if (kind === "scatter") return scatter(items);
    if (kind === "treemap") return treemap(items);
    return bar(items);
  }

  /* After the chart is on the page: a ❝ link after each figure's value, to the words it was read from. */
  function addQuotes(chart, quoteOf) {
    for (const value of chart.querySelectorAll("text.value[data-iri]")) {
      const href = quoteOf.get(value.getAttribute("data-iri"));
      if (!href) continue;
      const x = Number(value.getAttribute("x")) + value.getComputedTextLength() + 8;
      const link = svg("a", { href, class: "quote-link" }, svg("title", {}, "quote"),
        svg("text", { x, y: value.getAttribute("y") }, "❝"));
      value.after(link);
    }
  }

  window.XiananViews = { KINDS, choose, draw, requested, addQuotes };
})();
