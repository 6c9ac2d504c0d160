"""Words that Streamlit and plotly draw themselves, shown in the page's language.

Neither Streamlit's frontend nor plotly.js follows the page's language, and neither has a
setting for it that reaches every word. Each way below covers what the others cannot; every
word comes from the catalogue (``equity/i18n/catalogue/*/plotly.yaml`` and
``streamlit.yaml``, keyed by the English words themselves), so a translation is edited
where every other one is:

- plotly's mode bar: a plotly locale passed with each chart (:func:`plotly_locale`);
- the Fullscreen button Streamlit adds to that mode bar: CSS that shows the catalogue's
  words in place of the button's title (:func:`modebar_css`; plotly draws that title
  again on every hover, from the attribute);
- the rest: :func:`chrome_script`, a small script that writes the catalogue's words in place
  of Streamlit's, text and ``aria-label`` / ``title`` / ``placeholder`` alike: a table's
  toolbar and its tooltips, a column's menu and its statistics and formats, the column
  picker, the search box, an upload box's button and size limit and why it refused a file,
  "Press Enter to apply" and why a number box refused a value, a list's "No results" and
  "Select all", a download that failed, the keyboard-only "Skip to main content" link, the
  running indicator, the dialog Streamlit opens when the server is gone, and the names
  screen readers read for the sidebar's buttons, the help icons and the map's controls. It
  writes only in Streamlit's own controls (:data:`CHROME_SCOPES`) and in the attributes
  Streamlit puts on the pages' elements (:data:`CHROME_LABELLED`), changes a text only when
  the whole text (or the part before ": ", as in "Download as CSV: <the table's name>") is a
  catalogue entry or fits one of its patterns ("Help for {}"), and puts the English back
  when the language switches to English. The pages' own content is never touched: it is
  already in the page's language.
"""

from __future__ import annotations

import json

from dashboard.css import css_string
from equity.i18n import LANGUAGES, catalogue, t

PLOTLY_PREFIX = "plotly."
"""Catalogue keys of plotly's own interface words: ``plotly.<the English text plotly.js looks
up>`` (``equity/i18n/catalogue/*/plotly.yaml``)."""

STREAMLIT_PREFIX = "streamlit."
"""Catalogue keys of Streamlit's own interface words: ``streamlit.<the English words>``
(``equity/i18n/catalogue/*/streamlit.yaml``)."""

# Streamlit adds a mode-bar button of its own whose English title plotly does not translate;
# plotly shows every button's title with CSS (``content: attr(data-title)``), so CSS can show
# the catalogue's words instead.
STREAMLIT_BUTTONS = ("Fullscreen", "Close fullscreen")

CHROME_SCOPES: tuple[str, ...] = (
    '[data-testid="stElementToolbar"]',
    ".stTooltipContent",
    ".stTooltipErrorContent",  # why an upload or a number was refused, on hovering it
    '[data-testid="InputInstructions"]',  # "Press Enter to apply" while typing
    '[data-testid="stNumberInput"] [role="alert"]',
    # A select box's or multiselect's list: its empty state ("No results", a multiselect at
    # its limit) and its bulk actions ("Select all"), never the options themselves.
    '[role="listbox"][data-empty="true"]',
    '[role="option"][data-key^="__"]',
    '[data-testid^="stDataFrame"][data-testid$="Menu"]',
    '[data-testid="stDataFrame"] input',
    '[data-testid="stMainMenu"]',
    '[data-testid="stMainMenuPopover"]',
    '[data-testid="stStatusWidget"]',
    '[data-testid="stConnectionStatus"]',
    '[data-testid="stSidebarCollapseButton"]',
    '[data-testid="stExpandSidebarButton"]',
    '[data-testid="stSidebarNavViewButton"]',
    '[data-testid="stSkipToContent"]',
    '[data-testid="stFileUploaderDropzone"]',
    '[role="dialog"]',  # Streamlit's own dialogs: the connection error when the server is gone
    '[data-testid="stDownloadButtonError"]',  # a download whose file could not be made
)
"""Streamlit's own controls: :func:`chrome_script` writes their text and labels."""

CHROME_LABELLED: tuple[str, ...] = (
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarNav"]',
    ".stTooltipHoverTarget",
    ".stTooltipHoverTarget [aria-label]",
    '[data-testid="stHeaderActionElements"] a',
    '[data-testid="stSelectbox"] [aria-label]',
    '[data-testid="stSelectbox"] input',
    '[data-testid="stFileUploaderDropzoneInput"]',
    '[data-testid="stMultiSelect"] [aria-label]',
    '[data-testid="stNumberInputStepDown"]',
    '[data-testid="stNumberInputStepUp"]',
    '[data-testid="stBaseButton-elementToolbar"]',
    ".js-plotly-plot .modebar-btn",
    ".maplibregl-canvas",
    ".maplibregl-ctrl-attrib-button",
)
"""Elements of the pages whose ``aria-label`` / ``title`` / ``placeholder`` Streamlit (or
plotly's map, MapLibre) writes (their text is the page's own): :func:`chrome_script` writes
those attributes only."""


def plotly_locale(lang: str) -> dict[str, object]:
    """Config entries that make plotly.js speak ``lang`` (its mode bar's button titles and
    messages: "Zoom in", "Download plot as a PNG"): a locale named after the language, its
    dictionary from the catalogue, passed with the chart so nothing is fetched. Numbers and
    dates keep plotly's default format."""
    words = {key[len(PLOTLY_PREFIX):]: text for key, text in catalogue(lang).items()
             if key.startswith(PLOTLY_PREFIX)}
    return {"locale": lang, "locales": {lang: {"dictionary": words}}}


def modebar_css(lang: str) -> str:
    """CSS rules that show Streamlit's own mode-bar buttons' titles in ``lang``."""
    return " ".join(
        f'.js-plotly-plot .plotly .modebar-btn[data-title="{title}"]::after'
        f" {{content: {css_string(t(PLOTLY_PREFIX + title, lang))};}}"
        for title in STREAMLIT_BUTTONS)


def streamlit_words(lang: str) -> dict[str, str]:
    """Streamlit's English words and their text in ``lang`` (those that differ only)."""
    return {key[len(STREAMLIT_PREFIX):]: text for key, text in catalogue(lang).items()
            if key.startswith(STREAMLIT_PREFIX) and text != key[len(STREAMLIT_PREFIX):]}


# The script's state lives on ``window`` so that running it again (another page, another
# language) only swaps the words: the English is put back, then the new words applied.
_SCRIPT = """(() => {
const g = window.__equityChrome = window.__equityChrome
  || {words: {}, texts: new Set(), attrs: new Set(), observer: null};
const SCOPE = __SCOPE__;
const LABELLED = __LABELLED__;
const ATTRS = ["aria-label", "title", "placeholder"];
const word = (english) => {
  if (Object.prototype.hasOwnProperty.call(g.words, english)) return g.words[english];
  const cut = english.indexOf(": ");
  const head = cut > 0 ? english.slice(0, cut) : "";
  if (head && Object.prototype.hasOwnProperty.call(g.words, head)) {
    // "Download as CSV: " and a table's name keeps the name; "Error: " and a message (a
    // number box's alert) translates the message too.
    const rest = english.slice(cut + 2);
    return g.words[head] + ": " + (word(rest) ?? rest);
  }
  for (const [parts, to] of g.patterns) {
    const values = filled(english, parts);
    if (values) return to.split("{}").map((s, j) => (j ? values[j - 1] : "") + s).join("");
  }
  return null;
};
// The values of a pattern's "{}"s in ``english`` (each at least one character), or null.
const filled = (english, parts) => {
  const first = parts[0], last = parts[parts.length - 1];
  if (english.length < first.length + last.length || !english.startsWith(first)
      || !english.endsWith(last)) return null;
  const body = english.slice(first.length, english.length - last.length);
  const values = [];
  let at = 0;
  for (const part of parts.slice(1, -1)) {
    const i = body.indexOf(part, at + 1);
    if (i < 0) return null;
    values.push(body.slice(at, i)); at = i + part.length;
  }
  values.push(body.slice(at));
  return values.every((v) => v.length) ? values : null;
};
const shown = (english) => {
  const bare = english.trim();
  // ": " and a message follow a bold "Error" in Streamlit's error tooltips.
  const lead = bare.startsWith(": ") ? ": " : "";
  const to = bare.length > lead.length ? word(bare.slice(lead.length)) : null;
  return to === null ? english : english.replace(bare, () => lead + to);
};
const text = (node) => {
  if (node.__eqShown !== node.nodeValue) node.__eqEn = node.nodeValue;
  const value = shown(node.__eqEn);
  node.__eqShown = value;
  if (node.nodeValue !== value) node.nodeValue = value;
  if (value !== node.__eqEn && !node.__eqKept) {
    node.__eqKept = true; g.texts.add(new WeakRef(node));
  }
};
const attr = (el, name) => {
  const now = el.getAttribute(name);
  if (now === null) return;
  el.__eqEn = el.__eqEn || {}; el.__eqShown = el.__eqShown || {};
  if (el.__eqShown[name] !== now) el.__eqEn[name] = now;
  const value = shown(el.__eqEn[name]);
  el.__eqShown[name] = value;
  if (now !== value) el.setAttribute(name, value);
  if (value !== el.__eqEn[name] && !el.__eqKept) {
    el.__eqKept = true; g.attrs.add(new WeakRef(el));
  }
};
const labels = (el) => { for (const name of ATTRS) if (el.hasAttribute(name)) attr(el, name); };
const within = (root) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) text(n);
  for (const el of [root, ...root.querySelectorAll("*")]) labels(el);
};
const added = (node) => {
  if (node.nodeType === Node.TEXT_NODE) {
    if (node.parentElement && node.parentElement.closest(SCOPE)) text(node);
  } else if (node.nodeType === Node.ELEMENT_NODE) {
    if (node.closest(SCOPE)) within(node);
    else for (const el of node.querySelectorAll(SCOPE)) within(el);
    if (node.matches(LABELLED)) labels(node);
    for (const el of node.querySelectorAll(LABELLED)) labels(el);
  }
};
const restore = () => {
  for (const ref of g.texts) { const n = ref.deref();
    if (n) { n.nodeValue = n.__eqEn; n.__eqShown = n.__eqEn; n.__eqKept = false; } }
  for (const ref of g.attrs) { const el = ref.deref(); if (!el) continue;
    for (const name of Object.keys(el.__eqEn || {})) {
      el.setAttribute(name, el.__eqEn[name]); el.__eqShown[name] = el.__eqEn[name]; }
    el.__eqKept = false; }
  g.texts.clear(); g.attrs.clear();
};
if (g.observer) g.observer.disconnect();
restore();
g.words = __WORDS__;
g.patterns = Object.keys(g.words).filter((k) => k.includes("{}"))
  .map((k) => [k.split("{}"), g.words[k]]);
if (!Object.keys(g.words).length) return;
g.observer = g.observer || new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === "childList") r.addedNodes.forEach(added);
    else if (r.type === "characterData") added(r.target);
    else if (r.target.closest(SCOPE) || r.target.matches(LABELLED))
      attr(r.target, r.attributeName);
  }
});
for (const el of document.querySelectorAll(SCOPE)) within(el);
for (const el of document.querySelectorAll(LABELLED)) labels(el);
g.observer.observe(document.body, {subtree: true, childList: true, characterData: true,
  attributes: true, attributeFilter: ATTRS});
})();"""


def _script_json(value: object) -> str:
    """``value`` as a JavaScript literal that cannot end the script element around it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def chrome_script(lang: str) -> str:
    """A ``<script>`` that shows Streamlit's own words in ``lang`` (English: puts them back).
    For ``st.html(..., unsafe_allow_javascript=True)``: every word is the catalogue's."""
    words = streamlit_words(lang) if lang in LANGUAGES else {}
    body = (_SCRIPT.replace("__SCOPE__", _script_json(",".join(CHROME_SCOPES)))
            .replace("__LABELLED__", _script_json(",".join(CHROME_LABELLED)))
            .replace("__WORDS__", _script_json(words)))
    return f"<script>{body}</script>"
