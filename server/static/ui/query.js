/* The query UI: a CodeMirror SPARQL editor, the question library one click away, and the answers of
   /sparql shown as a table (SELECT), a yes/no (ASK) or Turtle (CONSTRUCT, DESCRIBE).
   Values from the data reach the page only as text nodes and attributes, never as HTML.
   Without CodeMirror (or without this script) the page is still a working form. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("ui-config").textContent);
  const say = (key, values = {}) => config.messages[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(
    ["integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
      "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
      "unsignedShort", "unsignedByte"].map((name) => XSD + name),
  );
  const PLAIN_NUMBERS = new Set(["integer", "decimal", "double"].map((name) => XSD + name)); // no datatype tag
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  const MAX_ROWS = 2000; // rows drawn in the table; the downloads hold them all
  const FORMATS = {
    solutions: [
      ["JSON", "application/sparql-results+json", "srj"],
      ["XML", "application/sparql-results+xml", "srx"],
      ["CSV", "text/csv", "csv"],
      ["TSV", "text/tab-separated-values", "tsv"],
    ],
    boolean: [
      ["JSON", "application/sparql-results+json", "srj"],
      ["XML", "application/sparql-results+xml", "srx"],
    ],
    graph: [
      ["Turtle", "text/turtle", "ttl"],
      ["N-Triples", "application/n-triples", "nt"],
      ["JSON-LD", "application/ld+json", "jsonld"],
      ["RDF/XML", "application/rdf+xml", "rdf"],
    ],
  };
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  const byId = (id) => document.getElementById(id);
  const textarea = byId("query");
  const form = byId("query-form");
  const runButton = byId("run");
  const statusLine = byId("status");
  const output = byId("output");
  const results = byId("results");
  const downloads = byId("downloads");
  const permalink = byId("permalink");
  const addPrefixesButton = byId("add-prefixes");
  const questionBox = byId("question");
  const exampleList = byId("example-list");
  const exampleFilter = byId("example-filter");
  const partFilter = byId("part-filter");
  const exampleCount = document.querySelector("#examples-heading .count");

  let loadedName = textarea.dataset.name || ""; // the library query in the editor, if any
  let loadedText = loadedName ? textarea.value : null;
  let inflight = null;

  /* --- small DOM helpers --- */

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function setStatus(kind, text) {
    statusLine.textContent = text;
    statusLine.dataset.state = kind;
    results.setAttribute("aria-busy", kind === "running" ? "true" : "false");
  }

  /* --- the editor: CodeMirror when it loaded, the plain textarea otherwise --- */

  const editor = window.CodeMirror ? codeMirrorEditor() : textareaEditor();

  function codeMirrorEditor() {
    const cm = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      screenReaderLabel: document.querySelector('label[for="query"]').textContent,
      lineNumbers: true,
      matchBrackets: true,
      autoCloseBrackets: true,
      indentUnit: 2,
      tabSize: 2,
      viewportMargin: Infinity,
      lineWrapping: true,
      extraKeys: {
        "Ctrl-Enter": () => run(),
        "Cmd-Enter": () => run(),
        Tab: (instance) => instance.execCommand("insertSoftTab"),
      },
    });
    let markedLine = null;
    return {
      get: () => cm.getValue(),
      set(text) {
        cm.setValue(text);
        cm.clearHistory();
      },
      insertLine(index, text) {
        cm.replaceRange(text, { line: index, ch: 0 });
      },
      onChange: (listener) => cm.on("changes", listener),
      mark(line, column) {
        this.unmark();
        markedLine = Math.min(Math.max(line - 1, 0), cm.lineCount() - 1);
        cm.addLineClass(markedLine, "background", "cm-error-line");
        cm.setCursor({ line: markedLine, ch: Math.max(column - 1, 0) });
        cm.scrollIntoView(null, 60);
      },
      unmark() {
        if (markedLine !== null) cm.removeLineClass(markedLine, "background", "cm-error-line");
        markedLine = null;
      },
    };
  }

  function textareaEditor() {
    textarea.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        run();
      }
    });
    return {
      get: () => textarea.value,
      set(text) {
        textarea.value = text;
      },
      insertLine(index, text) {
        const lines = textarea.value.split("\n");
        lines.splice(index, 0, text.replace(/\n$/, ""));
        textarea.value = lines.join("\n");
      },
      onChange: (listener) => textarea.addEventListener("input", listener),
      mark(line, column) {
        const lines = textarea.value.split("\n").slice(0, line - 1);
        const offset = lines.reduce((sum, text) => sum + text.length + 1, 0) + Math.max(column - 1, 0);
        textarea.focus();
        textarea.setSelectionRange(offset, offset);
      },
      unmark() {},
    };
  }

  /* --- prefixes: the query may use ours without declaring them --- */

  function stripIrisStringsAndComments(query) {
    return query
      .replace(/<[^<>\s"{}|^`\\]*>/g, " ")
      .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/#[^\n]*/g, " ");
  }

  function missingPrefixes(query) {
    const text = stripIrisStringsAndComments(query);
    const declared = new Set([...text.matchAll(/\bPREFIX\s+([A-Za-z][\w.-]*)?:/gi)].map((m) => m[1] || ""));
    const used = new Set(
      [...text.matchAll(/(?:^|[^\w.:?$@-])([A-Za-z](?:[\w.-]*[\w-])?)?:/g)].map((m) => m[1] || ""),
    );
    return [...used].filter((prefix) => !declared.has(prefix) && Object.hasOwn(config.prefixes, prefix)).sort();
  }

  function addMissingPrefixes() {
    const missing = missingPrefixes(editor.get());
    if (!missing.length) return;
    const lines = editor.get().split("\n");
    let index = 0; // after the leading comments (a library query's header), before the first PREFIX or keyword
    while (index < lines.length && /^\s*(#.*)?$/.test(lines[index])) index += 1;
    const declarations = missing.map((prefix) => `PREFIX ${prefix}: <${config.prefixes[prefix]}>\n`).join("");
    editor.insertLine(index, declarations);
    updatePrefixButton();
  }

  function updatePrefixButton() {
    const missing = missingPrefixes(editor.get());
    addPrefixesButton.hidden = missing.length === 0;
    addPrefixesButton.textContent = say("add_prefix", { prefixes: missing.map((prefix) => prefix + ":").join(" ") });
  }

  /* --- showing RDF terms --- */

  function compact(iri) {
    let best = null;
    for (const [prefix, namespace] of Object.entries(config.prefixes)) {
      if (iri.startsWith(namespace) && iri.length > namespace.length && (!best || namespace.length > best[1].length)) {
        best = [prefix, namespace];
      }
    }
    if (!best) return null;
    const local = iri.slice(best[1].length);
    return /^[^\s<>"{}|\\^`]+$/.test(local) ? `${best[0]}:${local}` : null;
  }

  function localPath(iri) {
    // IRIs of our space are served at their own path here; "//" would leave this server, so it never links
    if (!iri.startsWith(config.baseIri)) return null;
    const rest = iri.slice(config.baseIri.length);
    return rest.startsWith("/") ? null : "/" + rest;
  }

  function renderIri(iri) {
    const text = compact(iri) || iri;
    const local = localPath(iri);
    if (local) return el("a", { href: local, title: iri, className: "iri local" }, text);
    if (/^https?:\/\//i.test(iri)) {
      return el("a", { href: iri, title: iri, className: "iri external", rel: "noopener noreferrer nofollow" }, text);
    }
    return el("span", { title: iri, className: "iri" }, text);
  }

  function renderLiteral(term) {
    const lang = term["xml:lang"];
    const datatype = term.datatype && term.datatype !== XSD + "string" ? term.datatype : null;
    const value = el("span", { className: "literal", lang: lang || null, title: datatype }, term.value);
    const node = el("span", { className: "term" }, value);
    if (lang) {
      node.append(el("span", { className: "tag lang", title: "language tag" }, "@" + lang));
    } else if (datatype && !PLAIN_NUMBERS.has(datatype)) {
      node.append(el("span", { className: "tag datatype", title: datatype }, compact(datatype) || datatype));
    }
    return node;
  }

  function renderTerm(term) {
    switch (term.type) {
      case "uri":
        return renderIri(term.value);
      case "literal":
      case "typed-literal":
        return renderLiteral(term);
      case "bnode":
        return el("span", { className: "bnode" }, "_:" + term.value);
      case "triple": {
        const t = term.value;
        return el("span", { className: "triple" }, "<< ", renderTerm(t.subject), " ", renderTerm(t.predicate),
          " ", renderTerm(t.object), " >>");
      }
      default:
        return document.createTextNode(String(term.value));
    }
  }

  const isNumeric = (term) => term && term.type !== "uri" && NUMERIC.has(term.datatype);

  function compareTerms(a, b) {
    if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1); // unbound last
    if (isNumeric(a) && isNumeric(b)) return Number(a.value) - Number(b.value);
    return collator.compare(compact(a.value) || a.value, compact(b.value) || b.value);
  }

  /* --- showing answers --- */

  /* --- charts beside the table (views.js): a switcher, and the chart the columns or `#view:` ask for --- */

  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 4 });
  const viewContext = {
    name: (iri) => compact(iri) || iri,
    localPath,
    number: (text) => (Number.isFinite(Number(text)) ? numberFormat.format(Number(text)) : text),
    unitGap: (unit) => (unit === "%" ? "" : " "),
  };

  async function quotesOf(iris) {
    // which words each figure was read from: its quote's IRI names the code points (…/id/quote/762-777)
    const values = iris.map((iri) => `<${iri}>`).join(" ");
    const query = `SELECT ?f ?q WHERE { VALUES ?f { ${values} } ?f <http://www.w3.org/ns/prov#wasDerivedFrom> ?q }`;
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query }),
    });
    const found = new Map();
    if (!response.ok) return found;
    for (const row of (await response.json()).results.bindings) {
      const span = /\/quote\/(\d+)-(\d+)$/.exec(row.q.value);
      if (span && !found.has(row.f.value)) found.set(row.f.value, `/source?start=${span[1]}&end=${span[2]}#c${span[1]}`);
    }
    return found;
  }

  function resultViews(vars, rows, query) {
    const views = window.XiananViews;
    if (!views) return [];
    const choice = views.choose(query, vars, rows);
    if (!choice.kinds.length) return [];
    const box = el("div", { className: "chart-box" });
    const buttons = ["table", ...choice.kinds].map((kind) =>
      el("button", { type: "button", className: "view-button", "data-view": kind, "aria-pressed": "false" },
        say("view_" + kind)));
    const show = (kind) => {
      for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.view === kind));
      box.replaceChildren();
      box.hidden = kind === "table";
      box.dataset.view = kind;
      if (kind === "table") return;
      const chart = views.draw(kind, vars, rows, viewContext, choice.asked);
      chart.setAttribute("aria-label", say("chart_label", { view: say("view_" + kind), count: rows.length }));
      box.append(chart);
      const figures = [...new Set([...chart.querySelectorAll("[data-iri]")].map((n) => n.getAttribute("data-iri")))]
        .filter((iri) => localPath(iri) && localPath(iri).startsWith("/id/figure/"));
      if (kind === "bar" && figures.length) {
        quotesOf(figures).then((found) => views.addQuotes(chart, found)).catch(() => {});
      }
    };
    for (const button of buttons) button.addEventListener("click", () => show(button.dataset.view));
    show(choice.kind);
    return [el("div", { className: "view-switch", role: "group", "aria-label": say("views") }, ...buttons), box];
  }

  function showSolutions(json, elapsed, query) {
    const vars = json.head.vars || [];
    const rows = json.results.bindings;
    setStatus("ok", say(rows.length === 1 ? "one_row" : "rows", { count: rows.length, ms: elapsed }));
    if (!rows.length) {
      output.replaceChildren(el("p", { className: "empty" }, say("no_rows")));
      return;
    }
    const tbody = el("tbody");
    const headRow = el("tr", {}, el("th", { scope: "col", className: "rownum" }, "#"));
    let order = rows;
    const fill = () => {
      tbody.replaceChildren();
      order.slice(0, MAX_ROWS).forEach((row, index) => {
        const tr = el("tr", {}, el("td", { className: "rownum" }, String(index + 1)));
        for (const name of vars) {
          const term = row[name];
          tr.append(el("td", { className: isNumeric(term) ? "num" : null }, term ? renderTerm(term) : ""));
        }
        tbody.append(tr);
      });
    };
    vars.forEach((name) => {
      const button = el("button", { type: "button", className: "sort", title: say("sort_by", { name }) }, "?" + name);
      const th = el("th", { scope: "col", "aria-sort": "none" }, button);
      button.addEventListener("click", () => {
        const descending = th.getAttribute("aria-sort") === "ascending";
        for (const other of headRow.querySelectorAll("th[aria-sort]")) other.setAttribute("aria-sort", "none");
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        order = [...rows].sort((a, b) => compareTerms(a[name], b[name]) * (descending ? -1 : 1));
        fill();
      });
      headRow.append(th);
    });
    fill();
    const table = el("table", { className: "solutions" }, el("thead", {}, headRow), tbody);
    const parts = [...resultViews(vars, rows, query), el("div", { className: "table-scroll" }, table)];
    if (rows.length > MAX_ROWS) {
      parts.push(el("p", { className: "note" }, say("more_rows", { shown: MAX_ROWS, count: rows.length })));
    }
    output.replaceChildren(...parts);
  }

  function showBoolean(value, elapsed) {
    setStatus("ok", say("ask", { ms: elapsed }));
    output.replaceChildren(
      el("p", { className: "boolean " + String(value) }, String(value),
        el("span", { className: "gloss" }, " " + say(value ? "yes" : "no"))),
    );
  }

  function showGraph(text, mediaType, elapsed) {
    const statements = text.split("\n").filter((line) => /\S/.test(line) && !/^\s*(@prefix|PREFIX|#)/i.test(line));
    setStatus("ok", say("graph", { type: mediaType, ms: elapsed }));
    if (!statements.length) {
      output.replaceChildren(el("p", { className: "empty" }, say("empty_graph")));
      return;
    }
    const box = el("div", { className: "graph" });
    output.replaceChildren(box);
    if (window.CodeMirror) {
      const viewer = window.CodeMirror(box, {
        value: text,
        mode: "text/turtle",
        readOnly: true,
        lineNumbers: true,
        screenReaderLabel: say("turtle_label"),
      });
      viewer.getScrollerElement().setAttribute("tabindex", "0"); // scrollable by keyboard too
      const first = text.split("\n").findIndex((line) => /\S/.test(line) && !/^\s*(@prefix|PREFIX)\b/i.test(line));
      if (first > 0) viewer.scrollTo(null, viewer.heightAtLine(first, "local")); // the triples, past the prefixes
    } else {
      box.append(el("pre", {}, text));
    }
  }

  function showProblem(title, message, query) {
    setStatus("error", say("error"));
    const box = el("div", { className: "problem", role: "alert" }, el("p", { className: "problem-title" }, title));
    const firstLine = message.split("\n")[0];
    const summary = firstLine.length > 240 ? firstLine.slice(0, 240) + " …" : firstLine;
    box.append(el("p", { className: "problem-message" }, summary));
    if (summary !== message) {
      box.append(el("details", {}, el("summary", {}, say("whole_message")), el("pre", {}, message)));
    }
    const position = /\bline (\d+), column (\d+)\b/.exec(message) || /\bat (\d+):(\d+)\b/.exec(message);
    if (position) {
      editor.mark(Number(position[1]), Number(position[2]));
      box.append(el("p", { className: "problem-where" }, say("marked", { line: position[1], column: position[2] })));
    }
    const missing = query ? missingPrefixes(query) : [];
    if (missing.length) {
      const fix = el("button", { type: "button", className: "secondary" }, say("add_prefix_lines"));
      fix.addEventListener("click", () => {
        addMissingPrefixes();
        run();
      });
      const prefixes = missing.map((prefix) => prefix + ":").join(", ");
      box.append(el("p", { className: "problem-hint" }, say(missing.length > 1 ? "undeclared" : "undeclared_one", { prefixes }), fix));
    }
    output.replaceChildren(box);
  }

  function showDownloads(kind, query) {
    const links = FORMATS[kind].map(([label, mediaType, suffix]) =>
      el("a", {
        href: `${config.endpoint}?${new URLSearchParams({ query })}`,
        download: `xianan-kg-answer.${suffix}`,
        type: mediaType,
        "data-accept": mediaType,
        className: "download",
      }, label));
    downloads.replaceChildren(el("span", { className: "label" }, say("download")), ...links);
    downloads.dataset.query = query;
    downloads.hidden = false;
  }

  async function download(link) {
    // a link cannot send an Accept header, so the answer is fetched in the chosen format and saved from memory
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { Accept: link.dataset.accept },
      body: new URLSearchParams({ query: downloads.dataset.query }),
    });
    if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`);
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: link.getAttribute("download"), hidden: true });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  /* --- running --- */

  function locationFor(query) {
    const params = loadedName && query === loadedText ? { name: loadedName } : { query };
    return "?" + new URLSearchParams(params);
  }

  async function run(options = {}) {
    const query = editor.get();
    if (inflight) inflight.abort();
    const controller = new AbortController();
    inflight = controller;
    editor.unmark();
    downloads.hidden = true;
    setStatus("running", say("running"));
    const address = locationFor(query);
    permalink.href = address;
    if (!options.initial && address !== location.search) history.replaceState(null, "", address);
    const started = performance.now();
    let response;
    let body;
    try {
      response = await fetch(config.endpoint, {
        method: "POST",
        headers: { Accept: ACCEPT },
        body: new URLSearchParams({ query }),
        signal: controller.signal,
      });
      body = await response.text();
    } catch (error) {
      if (error.name !== "AbortError") showProblem(say("unreachable"), String(error.message || error));
      return;
    } finally {
      if (inflight === controller) inflight = null;
    }
    const elapsed = Math.round(performance.now() - started);
    if (!response.ok) {
      showProblem(say("refused", { status: response.status }), body.trim(), query);
      return;
    }
    const mediaType = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    if (mediaType === "application/sparql-results+json") {
      const json = JSON.parse(body);
      if (typeof json.boolean === "boolean") {
        showBoolean(json.boolean, elapsed);
        showDownloads("boolean", query);
      } else {
        showSolutions(json, elapsed, query);
        showDownloads("solutions", query);
      }
    } else {
      showGraph(body, mediaType, elapsed);
      showDownloads("graph", query);
    }
  }

  /* --- the question library --- */

  const libraryTexts = new Map();

  async function libraryText(name) {
    if (!libraryTexts.has(name)) {
      const response = await fetch(config.library.replace("NAME", encodeURIComponent(name)));
      if (!response.ok) throw new Error((await response.text()).trim());
      libraryTexts.set(name, await response.text());
    }
    return libraryTexts.get(name);
  }

  function exampleLink(name) {
    return [...exampleList.querySelectorAll("a.example")].find((link) => link.dataset.name === name) || null;
  }

  function showQuestion(link) {
    for (const cls of ["q-zh", "q-en"]) {
      questionBox.querySelector("." + cls).textContent = link ? link.querySelector("." + cls).textContent : "";
    }
    questionBox.hidden = !link;
    for (const other of exampleList.querySelectorAll("a.example.selected")) other.classList.remove("selected");
    if (link) link.classList.add("selected");
  }

  function followEdits() {
    // the banner and the highlight name the library question only while the editor still holds its text
    const link = loadedName ? exampleLink(loadedName) : null;
    const unchanged = Boolean(link) && editor.get() === loadedText;
    questionBox.hidden = !unchanged;
    if (link) link.classList.toggle("selected", unchanged);
  }

  function refuseFederated() {
    setStatus("info", say("not_run"));
    downloads.hidden = true;
    output.replaceChildren(el("p", { className: "note" }, say("federated")));
  }

  async function loadExample(link, addToHistory) {
    const name = link.dataset.name;
    let text;
    try {
      text = await libraryText(name);
    } catch (error) {
      showProblem(say("load_failed", { name }), String(error.message || error));
      return;
    }
    loadedName = name;
    loadedText = text;
    editor.set(text);
    showQuestion(link);
    const address = "?" + new URLSearchParams({ name });
    if (addToHistory) history.pushState(null, "", address);
    permalink.href = address;
    if ("needsInternet" in link.dataset) refuseFederated();
    else run({ initial: true });
  }

  function filterExamples() {
    // words match the question, its name and what it demonstrates; the menu keeps one part of the review
    const words = exampleFilter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const part = partFilter ? partFilter.value : "";
    const items = [...exampleList.children];
    let shown = 0;
    for (const item of items) {
      const link = item.querySelector("a.example");
      const haystack = `${item.textContent} ${link.dataset.demonstrates || link.title}`.toLowerCase();
      const inPart = !part || (item.dataset.parts || "").split("|").includes(part);
      item.hidden = !inPart || !words.every((word) => haystack.includes(word));
      if (!item.hidden) shown += 1;
    }
    exampleCount.textContent = words.length || part ? `${shown} / ${items.length}` : String(items.length);
  }

  function fromLocation() {
    const params = new URLSearchParams(location.search);
    if (params.has("query")) {
      loadedName = "";
      loadedText = null;
      editor.set(params.get("query"));
      showQuestion(null);
      run({ initial: true });
      return;
    }
    const link = exampleLink(params.get("name") || config.defaultQuery);
    if (link) loadExample(link, false);
  }

  /* --- wiring --- */

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  addPrefixesButton.addEventListener("click", addMissingPrefixes);
  let prefixTimer = null;
  editor.onChange(() => {
    editor.unmark();
    followEdits();
    clearTimeout(prefixTimer);
    prefixTimer = setTimeout(updatePrefixButton, 250);
  });
  exampleList.addEventListener("click", (event) => {
    const link = event.target.closest("a.example");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    loadExample(link, true);
  });
  exampleFilter.addEventListener("input", filterExamples);
  if (partFilter) partFilter.addEventListener("change", filterExamples);
  downloads.addEventListener("click", (event) => {
    const link = event.target.closest("a.download");
    if (!link) return;
    event.preventDefault();
    download(link).catch((error) => showProblem(say("download_failed"), String(error.message || error)));
  });
  window.addEventListener("popstate", fromLocation);
  if (/Mac|iPhone|iPad/.test(navigator.platform)) {
    document.querySelector(".shortcut").textContent = "⌘+Enter";
    runButton.title = runButton.title.replace("Ctrl+Enter", "⌘+Enter");
  }

  updatePrefixButton();
  const initial = loadedName ? exampleLink(loadedName) : null;
  if (initial && "needsInternet" in initial.dataset) refuseFederated();
  else run({ initial: true });
  document.documentElement.classList.add("query-ui-ready"); // tests wait for this
})();
