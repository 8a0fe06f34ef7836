/* Completion as you type, in two places with one index and one matcher:
   - the query editor: prefixes, our classes and properties, concepts and every named thing, found by the start
     of a name in Chinese or English, by pinyin (xianan) or initials (xaq), or by the start of a compact IRI
     (xkp:xi). Choosing one inserts its compact IRI, and its PREFIX line when the query lacks it.
   - the search box in every page's header: the same names find the things that have a page on this site;
     choosing one opens its page (Enter without a choice still searches, as the form does without JavaScript).
   The index is the build's dist/completion.json (xianan_kg/assemble/completion.py), fetched on first use from the
   address the search box names (data-completion). Keys: ↑/↓ choose, Enter (or Tab in the editor) takes the
   choice, Esc closes. Names reach the page as text nodes only. */
(function () {
  "use strict";

  const MAX = 12;
  const HAN = /[\u3400-\u9fff]/;
  const searchInput = document.getElementById("site-search");
  const configNode = document.getElementById("ui-config");
  const config = configNode ? JSON.parse(configNode.textContent) : {};
  const source = (searchInput && searchInput.dataset.completion) || config.completion;
  if (!source) return;

  // ---- the index and the matcher, shared by both places ----

  let index = null;
  let loading = null;

  function load() {
    if (!loading) {
      loading = fetch(source)
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

  /* The full IRI of a term's compact IRI (`xkp:xianan` or `<https://…>`). */
  function expand(iri) {
    if (iri.startsWith("<")) return iri.slice(1, -1);
    const colon = iri.indexOf(":");
    const namespace = index.prefixes[iri.slice(0, colon)];
    return namespace ? namespace + iri.slice(colon + 1) : iri;
  }

  /* The best MAX terms for `word`; `options.prefixes` offers prefixes too, `options.keep(term)` filters. */
  function matches(word, options = {}) {
    const needle = word.toLowerCase().replace(/'/g, "");
    const han = HAN.test(needle);
    if (!han && needle.length < 2) return [];
    const found = [];
    if (options.prefixes && needle.endsWith(":") === false && /^[a-z]+$/.test(needle)) {
      for (const [prefix, namespace] of Object.entries(index.prefixes)) {
        if (prefix.startsWith(needle)) found.push({ iri: prefix + ":", kind: "prefix", label: namespace, rank: 0 });
      }
    }
    const lang = document.documentElement.lang === "zh" ? "zh" : "en";
    for (const term of index) {
      if (options.keep && !options.keep(term)) continue;
      let rank = -1;
      for (const key of term.keys) {
        const k = key.replace(/'/g, "");
        if (k === needle) rank = Math.max(rank, 3);
        else if (k.startsWith(needle)) rank = Math.max(rank, 2);
        else if (han && k.includes(needle)) rank = Math.max(rank, 1);
      }
      if (rank < 0) continue;
      const mine = term.names.find(([l]) => l === lang) || term.names[0];
      const other = term.names.find(([l]) => l !== mine[0]);
      found.push({ iri: term.iri, kind: term.kind, label: mine[1], gloss: other ? other[1] : "", rank });
    }
    found.sort((a, b) => b.rank - a.rank || a.iri.length - b.iri.length || a.iri.localeCompare(b.iri));
    return found.slice(0, MAX);
  }

  /* A list of choices (ul.completions, role listbox) under `parent`; `take(choice)` runs on a click. */
  function listbox(found, parent, take, id) {
    const box = document.createElement("ul");
    box.className = "completions";
    box.id = id;
    box.setAttribute("role", "listbox");
    found.forEach((choice, i) => {
      const item = document.createElement("li");
      item.id = `${id}-${i}`;
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
        event.preventDefault(); // keep the focus where the typing is
        take(choice);
      });
      box.append(item);
    });
    parent.append(box);
    return box;
  }

  function highlight(box, next) {
    const items = [...box.children];
    const active = (next + items.length) % items.length;
    for (const [i, item] of items.entries()) item.setAttribute("aria-selected", String(i === active));
    return active;
  }

  // ---- the query editor (CodeMirror, made by query.js) ----

  function attachEditor(holder) {
    const cm = holder.CodeMirror;
    const WORD = /[\w\u3400-\u9fff:'-]+$/; // what the cursor is at the end of: a name, a pinyin, a prefixed name
    let box = null;
    let choices = [];
    let active = 0;
    let span = null; // the {from, to} range of the text being completed

    function declared(text, prefix) {
      return new RegExp(`\\bPREFIX\\s+${prefix}\\s*:`, "i").test(text);
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

    const keys = {
      Up: () => (active = highlight(box, active - 1)),
      Down: () => (active = highlight(box, active + 1)),
      Enter: () => pick(choices[active]),
      Tab: () => pick(choices[active]),
      Esc: () => close(),
    };

    function show(found) {
      close();
      if (!found.length) return;
      choices = found;
      box = listbox(found, holder, pick, "editor-completions");
      const where = cm.cursorCoords(span.from, "local");
      // position through CSSOM (allowed by the page's CSP, unlike a style attribute)
      box.style.left = `${Math.round(where.left) + 30}px`;
      box.style.top = `${Math.round(where.bottom) + 2}px`;
      active = highlight(box, 0);
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
      show(matches(word[0], { prefixes: true }));
    }

    cm.on("inputRead", () => {
      update();
    });
    cm.on("blur", () => setTimeout(close, 150));
    cm.on("cursorActivity", () => {
      if (box && span && (cm.getCursor().line !== span.from.line || cm.getCursor().ch < span.from.ch)) close();
    });
  }

  // ---- the search box in the header: a combobox whose choices are pages ----

  function attachSearch(input) {
    const base = input.dataset.baseIri;
    const form = input.form;
    let box = null;
    let choices = [];
    let active = -1; // nothing chosen: Enter submits the search
    let asked = ""; // the text the list was made for

    /* The page of a term on this site (its IRI under the base IRI, served at the same path), or null. */
    function page(iri) {
      const full = expand(iri);
      return base && full.startsWith(base) ? "/" + full.slice(base.length) : null;
    }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      if (box) box.remove();
      box = null;
      choices = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-controls"); // only while the list is there to point at
      input.removeAttribute("aria-activedescendant");
    }

    function go(choice) {
      const href = page(choice.iri);
      close();
      if (href) window.location.assign(href);
    }

    function choose(next) {
      active = highlight(box, next);
      input.setAttribute("aria-activedescendant", `search-completions-${active}`);
    }

    async function update() {
      const text = input.value.trim();
      asked = text;
      if (!text) return close();
      await load();
      if (input.value.trim() !== asked) return; // typed on meanwhile: the later call shows its own list
      const found = matches(text, { keep: (term) => page(term.iri) !== null });
      close();
      if (!found.length) return;
      choices = found;
      box = listbox(found, form, go, "search-completions");
      input.setAttribute("aria-controls", box.id);
      input.setAttribute("aria-expanded", "true");
    }

    input.addEventListener("input", () => {
      update();
    });
    input.addEventListener("keydown", (event) => {
      if (!box) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        choose(active < 0 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // the chosen page, not the search
        go(choices[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    // after a click on a choice has had its turn; unless the box has the focus again (typing on)
    input.addEventListener("blur", () => setTimeout(() => document.activeElement !== input && close(), 150));
  }

  const holder = document.querySelector(".workbench .CodeMirror");
  if (holder && holder.CodeMirror) attachEditor(holder); // without CodeMirror the textarea stays plain
  if (searchInput && searchInput.form) attachSearch(searchInput);
})();
