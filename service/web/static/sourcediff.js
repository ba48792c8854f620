// Sourcediff's one script: selecting a quote shows its partner on the other
// side. Without it the page still works: each quote links to its partner
// (#R2) and the target is outlined by CSS (:target).
"use strict";

(function () {
  const quotes = (ids) =>
    ids.split(" ").filter(Boolean).map((id) => document.getElementById(id)).filter(Boolean);

  function clearMarks() {
    for (const el of document.querySelectorAll(".q.is-partner, .q.is-active")) {
      el.classList.remove("is-partner", "is-active");
    }
  }

  function mark(quote) {
    clearMarks();
    quote.classList.add("is-active");
    const partners = quotes(quote.dataset.partners || "");
    for (const partner of partners) partner.classList.add("is-partner");
    return partners;
  }

  function showPair(quote, partner) {
    const selected = document.getElementById("selected");
    if (!selected) return;
    const left = quote.closest(".side-left") ? quote : partner;
    const right = left === quote ? partner : quote;
    const pair = document.getElementById(`pair-${left.dataset.quote}-${right.dataset.quote}`);
    selected.replaceChildren();
    if (pair) {
      const copy = pair.cloneNode(true);
      copy.removeAttribute("id");
      selected.append(copy);
    }
  }

  function select(quote) {
    const partners = mark(quote);
    if (partners.length === 0) return;
    const partner = partners[0];
    showPair(quote, partner);
    partner.scrollIntoView({ block: "center", behavior: "smooth" });
    partner.focus({ preventScroll: true });
    history.replaceState(null, "", `#${partner.id}`);
  }

  document.addEventListener("click", (event) => {
    const quote = event.target.closest("a.q[data-partners]");
    if (!quote) return;
    event.preventDefault();
    select(quote);
  });

  // Hovering or tabbing onto a quote previews its partner; selecting one
  // (click, Enter) keeps the pair marked until another is selected.
  for (const [type, undo] of [["mouseover", "mouseout"], ["focusin", "focusout"]]) {
    document.addEventListener(type, (event) => {
      const quote = event.target.closest("a.q[data-partners]");
      if (!quote) return;
      for (const partner of quotes(quote.dataset.partners)) partner.classList.add("is-preview");
    });
    document.addEventListener(undo, (event) => {
      const quote = event.target.closest("a.q[data-partners]");
      if (!quote) return;
      for (const partner of quotes(quote.dataset.partners)) partner.classList.remove("is-preview");
    });
  }
})();
