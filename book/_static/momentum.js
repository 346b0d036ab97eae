// Momentum Lab: behaviour added to every page by book/_ext/momentum_book.py.
// (The live explorers have their own scripts, book/_static/explorers/, added by momentum_explorers.py
// to the pages that show one.) tests/test_browser.py checks each part in Chromium.
//
// 1. Navigation: the visible "site navigation" and "contents" buttons open and close their drawers at
//    every width. The theme binds only the first .primary-toggle / .secondary-toggle of the page, a
//    button in a header that sphinx-book-theme hides, so on phones and tablets the visible ones did
//    nothing (pydata-sphinx-theme issue 2451).
// 2. Solutions: a dropdown opens and closes from anywhere on its header, alone, and staying on the page.
//    sphinx-togglebutton's handler looks for its button from the clicked element and gives up (or
//    toggles the last dropdown it found) when the click lands on the title's link or the icon's path.
// 3. Maths: an inline formula wider than the column scrolls inside its own box.
// 4. Search: the snippets under results show maths as text (θₖ, 2/L), not as TeX source.
"use strict";

(() => {
  const ready = (fn) =>
    document.readyState !== "loading" ? fn() : document.addEventListener("DOMContentLoaded", fn);

  // --- 1. navigation -------------------------------------------------------------------------------
  // sphinx-book-theme docks the primary sidebar from 992 px on; narrower, it lives in a dialog.
  const DOCKED = window.matchMedia("(min-width: 992px)");

  function moveInto(from, to) {
    Array.from(from.childNodes).forEach((node) => to.appendChild(node));
    Array.from(from.classList).forEach((name) => {
      from.classList.remove(name);
      to.classList.add(name);
    });
  }

  function drawer(kind) {
    const sidebar = document.getElementById(`pst-${kind}-sidebar`);
    const modal = document.getElementById(`pst-${kind}-sidebar-modal`);
    const buttons = Array.from(document.querySelectorAll(`.${kind}-toggle`));
    if (!sidebar || !modal || !buttons.length) return null;
    let opener = null;
    const folds = () => kind === "primary" && DOCKED.matches;
    const expanded = () =>
      modal.open || (folds() && !sidebar.classList.contains("pst-sidebar-hidden"));
    const sync = () =>
      buttons.forEach((button) => {
        button.setAttribute("aria-expanded", String(expanded()));
        button.setAttribute("aria-controls", folds() ? sidebar.id : modal.id);
      });
    const open = (button) => {
      if (modal.open) return;
      opener = button;
      moveInto(sidebar, modal);
      modal.showModal();
      sync();
    };
    modal.addEventListener("close", () => {
      if (modal.childNodes.length) moveInto(modal, sidebar); // the theme may have moved them back already
      sync();
      if (opener && opener.focus) opener.focus();
      opener = null;
    });
    // a press on the backdrop (outside the drawer's box) closes it
    modal.addEventListener("click", (event) => {
      if (event.target !== modal) return;
      const box = modal.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) modal.close();
    });
    modal.addEventListener("cancel", () => sync());
    const press = (button) => {
      if (folds()) {
        sidebar.classList.toggle("pst-sidebar-hidden");
        sync();
      } else if (modal.open) {
        modal.close();
      } else {
        open(button);
      }
    };
    DOCKED.addEventListener("change", () => {
      if (modal.open && folds()) modal.close();
      sync();
    });
    sync();
    return { buttons, press };
  }

  ready(() => {
    const drawers = ["primary", "secondary"].map(drawer).filter(Boolean);
    // Capture on the document: this runs before the theme's own listeners on the first button, which
    // would otherwise act a second time on it (and do nothing on the others).
    document.addEventListener(
      "click",
      (event) => {
        for (const { buttons, press } of drawers) {
          const button = buttons.find((b) => b.contains(event.target));
          if (button) {
            event.preventDefault();
            event.stopImmediatePropagation();
            button.blur && event.detail > 0 && button.blur(); // mouse presses leave no focus ring
            press(button);
            return;
          }
        }
      },
      true,
    );
  });

  // --- 2. solution dropdowns -----------------------------------------------------------------------
  function toggleItem(item) {
    const button = item.querySelector(":scope > .admonition-title .toggle-button");
    const hidden = item.classList.toggle("toggle-hidden");
    if (button) {
      button.classList.toggle("toggle-button-hidden", hidden);
      button.setAttribute("aria-expanded", String(!hidden));
      if (typeof toggleHintShow !== "undefined") {
        button.dataset.toggleHint = hidden ? toggleHintShow : toggleHintHide;
      }
    }
  }

  ready(() => {
    // The title says which exercise the solution belongs to; as a link it jumped to the exercise and
    // took the click away from the toggle. It stays as text.
    document.querySelectorAll(".admonition.toggle > .admonition-title a.reference, " +
                              ".admonition.dropdown > .admonition-title a.reference").forEach((link) => {
      const text = document.createElement("span");
      text.className = "ml-solution-of";
      text.append(...link.childNodes);
      link.replaceWith(text);
    });
  });

  document.addEventListener(
    "click",
    (event) => {
      const title = event.target.closest && event.target.closest(".admonition-title");
      const item = title && title.parentElement;
      if (!item || !item.classList.contains("toggle") || !item.classList.contains("admonition")) return;
      event.preventDefault();
      event.stopPropagation(); // sphinx-togglebutton's own handler on the title does not run
      toggleItem(item);
    },
    true,
  );

  // --- 3. inline maths wider than its line ---------------------------------------------------------
  // MathJax 3 does not break inline formulas; one wider than the column scrolls inside its own box
  // (with the edge shadow of momentum.css) instead of running under the page edge.
  function fitInlineMath() {
    document.querySelectorAll('.bd-article mjx-container[jax="CHTML"]:not([display="true"])').forEach((math) => {
      math.classList.remove("ml-wide-math", "ml-scroll");
      const line = math.closest("p, li, dd, td, th, figcaption, .admonition-title") || math.parentElement;
      if (line && math.getBoundingClientRect().width > line.clientWidth + 1) {
        math.classList.add("ml-wide-math", "ml-scroll");
      }
    });
  }
  let fitTimer = null;
  window.addEventListener("load", () => {
    const startup = window.MathJax && MathJax.startup && MathJax.startup.promise;
    if (startup) startup.then(fitInlineMath);
  });
  window.addEventListener("resize", () => {
    clearTimeout(fitTimer);
    fitTimer = setTimeout(fitInlineMath, 150);
  });

  // --- 4. search snippets ----------------------------------------------------------------------------
  // The same rules as _tex_to_text in book/_ext/momentum_book.py (used there for alt texts).
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", vartheta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν",
    xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Pi: "Π",
    Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", nabla: "∇", partial: "∂", cdot: "·", times: "×",
    le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", sim: "∼", propto: "∝",
    infty: "∞", to: "→", rightarrow: "→", leftarrow: "←", mapsto: "↦", in: "∈", sum: "Σ",
    prod: "Π", int: "∫", star: "*", ast: "*", top: "ᵀ", ell: "ℓ", lVert: "‖", rVert: "‖",
    Vert: "‖", "|": "‖", pm: "±", mp: "∓", vert: "|", lvert: "|", rvert: "|", mid: "|",
    ldots: "…", cdots: "…", dots: "…", langle: "⟨", rangle: "⟩", circ: "∘", odot: "⊙",
    otimes: "⊗", prime: "′", forall: "∀", exists: "∃", emptyset: "∅", subset: "⊂", cup: "∪",
    cap: "∩", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", equiv: "≡", ll: "≪", gg: "≫",
    quad: " ", qquad: " ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}",
    "%": "%", _: "_", "#": "#", "&": "&",
  };
  const DROP = new Set(["left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
    "mathrm", "text", "textrm", "textit", "textbf", "mathit", "operatorname", "mathbf", "mathbb",
    "mathcal", "mathsf", "mathtt", "boldsymbol", "bm", "displaystyle", "textstyle", "limits",
    "nolimits", "mathop", "label", "tag", "nonumber", "notag"]);
  const ACCENTS = { hat: "\u0302", widehat: "\u0302", bar: "\u0304", overline: "\u0305",
    tilde: "\u0303", widetilde: "\u0303", dot: "\u0307", ddot: "\u0308", vec: "\u20d7" };
  const table = (from, to) => Object.fromEntries(Array.from(from).map((c, i) => [c, Array.from(to)[i]]));
  const SUP = table("0123456789+-−=()niTkt*′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵏᵗ*′");
  const SUB = table("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ");

  function group(tex, i) {
    while (i < tex.length && tex[i] === " ") i++;
    if (i >= tex.length) return ["", i];
    if (tex[i] === "{") {
      let depth = 0;
      for (let j = i; j < tex.length; j++) {
        depth += tex[j] === "{" ? 1 : tex[j] === "}" ? -1 : 0;
        if (depth === 0) return [tex.slice(i + 1, j), j + 1];
      }
      return [tex.slice(i + 1), tex.length];
    }
    if (tex[i] === "\\") {
      const m = tex.slice(i).match(/^\\([A-Za-z]+|.)/);
      return [m[0], i + m[0].length];
    }
    return [tex[i], i + 1];
  }

  function script(text, map, word) {
    text = text.trim();
    const chars = Array.from(text);
    if (chars.length && chars.every((c) => c in map)) return chars.map((c) => map[c]).join("");
    return chars.length > 1 ? `${word}(${text})` : `${word}${text}`;
  }

  function texToText(tex) {
    const out = [];
    let i = 0;
    const wrap = (part, re) => (re.test(part) ? part : `(${part})`);
    while (i < tex.length) {
      const c = tex[i];
      if (c === "\\") {
        const m = tex.slice(i).match(/^\\([A-Za-z]+|.)/);
        const name = m[1];
        i += m[0].length;
        if (["frac", "tfrac", "dfrac", "cfrac"].includes(name)) {
          let top, bottom;
          [top, i] = group(tex, i);
          [bottom, i] = group(tex, i);
          out.push(`${wrap(texToText(top).trim(), /^[\w.′*]+$/u)}/${wrap(texToText(bottom).trim(), /^[\w.′*]+$/u)}`);
        } else if (name === "sqrt") {
          let arg;
          [arg, i] = group(tex, i);
          out.push("√" + wrap(texToText(arg).trim(), /^[\w.′*]+$/u));
        } else if (name in ACCENTS) {
          let arg;
          [arg, i] = group(tex, i);
          out.push(texToText(arg) + ACCENTS[name]);
        } else if (DROP.has(name)) {
          if (name === "label" || name === "tag") i = group(tex, i)[1];
        } else {
          out.push(name in SYMBOLS ? SYMBOLS[name] : name);
        }
      } else if (c === "^" || c === "_") {
        let arg;
        [arg, i] = group(tex, i + 1);
        arg = texToText(arg);
        out.push(c === "^" ? script(arg, SUP, " to the power ") : script(arg, SUB, " sub "));
      } else if (c === "{" || c === "}") {
        i++;
      } else {
        out.push(c === "~" ? " " : c === "-" ? "−" : c);
        i++;
      }
    }
    return out.join("").replace(/ {2,}/g, " ");
  }

  function mathAsText(element) {
    element.querySelectorAll(".math").forEach((math) => {
      const tex = math.textContent.trim().replace(/^\\[([]|\\[)\]]$/g, "").replace(/^\$+|\$+$/g, "");
      math.textContent = texToText(tex);
    });
  }
  window.momentumLab = Object.assign(window.momentumLab || {}, { texToText });

  // Sphinx's searchtools builds each snippet with Search.htmlToText(html of the page): give it the
  // page with its maths already turned into text.
  ready(() => {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      mathAsText(doc);
      return htmlToText(doc.documentElement.outerHTML, anchor);
    };
  });
})();
