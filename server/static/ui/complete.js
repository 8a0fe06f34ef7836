/* Completion as you type in the query editor: prefixes, our classes and properties, concepts and every named
   thing, found by the start of a name in Chinese or English, by pinyin (xianan) or initials (xaq), or by the
   start of a compact IRI (xkp:xi). Choosing one inserts its compact IRI, and its PREFIX line when the query
   lacks it. The index is the build's dist/completion.json (xianan_kg/completion.py), fetched on first use.
   Keys: ↑/↓ choose, Enter or Tab inserts, Esc closes. Names reach the page as text nodes only. */
(function () {
  "use strict";

  const configNode = document.getElementById("ui-config");
  const holder = document.querySelector(".workbench .CodeMirror");
  if (!configNode || !holder || !holder.CodeMirror) return; // without CodeMirror the textarea stays plain
  const config = JSON.parse(configNode.textContent);
  const cm = holder.CodeMirror;
  const MAX = 12;
  const WORD = /[\w\u3400-\u9fff:'-]+$/; // what the cursor is at the end of: a name, a pinyin, a prefixed name

  let index = null;
  let loading = null;
  let box = null;
  let choices = [];
  let active = 0;
  let span = null; // the {from, to} range of the text being completed

  function load() {
    if (!loading) {
      loading = fetch(config.completion)
        .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
        .then((json) => {
          index = json.terms.map((term) => ({
            ...term,
            keys: [
              term.iri.toLowerCase(),
              ...term.names.map(([, text]) => text.toLowerCase()),
              ...term.pinyin,
              ...term.initials,
            ],
          }));
          index.prefixes = json.prefixes;
        })
        .catch(() => {
          index = [];
          index.prefixes = {};
        });
    }
    return loading;
  }

  function declared(text, prefix) {
    return new RegExp(`\\bPREFIX\\s+${prefix}\\s*:`, "i").test(text);
  }

  function matches(word) {
    const needle = word.toLowerCase().replace(/'/g, "");
    const han = /[\u3400-\u9fff]/.test(needle);
    if (!han && needle.length < 2) return [];
    const found = [];
    if (needle.endsWith(":") === false && /^[a-z]+$/.test(needle)) {
      for (const [prefix, namespace] of Object.entries(index.prefixes)) {
        if (prefix.startsWith(needle)) found.push({ iri: prefix + ":", kind: "prefix", label: namespace, rank: 0 });
      }
    }
    for (const term of index) {
      let rank = -1;
      for (const key of term.keys) {
        const k = key.replace(/'/g, "");
        if (k === needle) rank = Math.max(rank, 3);
        else if (k.startsWith(needle)) rank = Math.max(rank, 2);
        else if (han && k.includes(needle)) rank = Math.max(rank, 1);
      }
      if (rank < 0) continue;
      const lang = document.documentElement.lang === "zh" ? "zh" : "en";
      const mine = term.names.find(([l]) => l === lang) || term.names[0];
      const other = term.names.find(([l]) => l !== mine[0]);
      found.push({ iri: term.iri, kind: term.kind, label: mine[1], gloss: other ? other[1] : "", rank });
    }
    found.sort((a, b) => b.rank - a.rank || a.iri.length - b.iri.length || a.iri.localeCompare(b.iri));
    return found.slice(0, MAX);
  }

  function close() {
    if (box) box.remove();
    box = null;
    choices = [];
    cm.removeKeyMap(keys);
  }

  function pick(choice) {
    const text = choice.kind === "prefix" ? choice.iri : choice.iri + " ";
    cm.replaceRange(text, span.from, span.to);
    const prefix = /^([A-Za-z][\w.-]*):/.exec(choice.iri);
    if (prefix && index.prefixes[prefix[1]] && !declared(cm.getValue(), prefix[1])) {
      let line = 0; // after the leading comments (a library query's header), as the PREFIX button does
      while (line < cm.lineCount() && /^\s*(#.*)?$/.test(cm.getLine(line))) line += 1;
      cm.replaceRange(`PREFIX ${prefix[1]}: <${index.prefixes[prefix[1]]}>\n`, { line, ch: 0 });
    }
    close();
    cm.focus();
  }

  function highlight(next) {
    active = (next + choices.length) % choices.length;
    for (const [i, item] of [...box.children].entries()) item.setAttribute("aria-selected", String(i === active));
  }

  const keys = {
    Up: () => highlight(active - 1),
    Down: () => highlight(active + 1),
    Enter: () => pick(choices[active]),
    Tab: () => pick(choices[active]),
    Esc: () => close(),
  };

  function show(found) {
    close();
    if (!found.length) return;
    choices = found;
    box = document.createElement("ul");
    box.className = "completions";
    box.setAttribute("role", "listbox");
    found.forEach((choice, i) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.iri = choice.iri;
      const name = document.createElement("span");
      name.className = "c-label";
      name.textContent = choice.label;
      const iri = document.createElement("code");
      iri.className = "c-iri";
      iri.textContent = choice.iri;
      const kind = document.createElement("span");
      kind.className = "c-kind";
      kind.textContent = choice.kind;
      item.append(name, " ", iri, " ", kind);
      if (choice.gloss) item.title = choice.gloss;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(choices[i]);
      });
      box.append(item);
    });
    const where = cm.cursorCoords(span.from, "local");
    holder.append(box);
    // position through CSSOM (allowed by the page's CSP, unlike a style attribute)
    box.style.left = `${Math.round(where.left) + 30}px`;
    box.style.top = `${Math.round(where.bottom) + 2}px`;
    highlight(0);
    cm.addKeyMap(keys);
  }

  async function update() {
    const cursor = cm.getCursor();
    const before = cm.getLine(cursor.line).slice(0, cursor.ch);
    const token = cm.getTokenAt(cursor);
    if (token.type && /comment|string/.test(token.type)) return close();
    const word = WORD.exec(before);
    if (!word || /^[?$]/.test(before.slice(word.index - 1, word.index))) return close();
    await load();
    span = { from: { line: cursor.line, ch: word.index }, to: cursor };
    show(matches(word[0]));
  }

  cm.on("inputRead", () => {
    update();
  });
  cm.on("blur", () => setTimeout(close, 150));
  cm.on("cursorActivity", () => {
    if (box && span && (cm.getCursor().line !== span.from.line || cm.getCursor().ch < span.from.ch)) close();
  });
})();
