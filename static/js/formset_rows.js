/*
 * Add and remove rows of a Django formset without reloading the page.
 *
 * Markup (templates/patients/entry/_formset_controls.html):
 *   <div data-formset="PREFIX"> … rows, each [data-formset-row] … </div>
 *   <button data-add-row="PREFIX">   <template id="PREFIX-empty-form">   the management form
 * Adding clones the blank row, replaces __prefix__ by the next index and raises TOTAL_FORMS.
 * Removing ticks the row's DELETE box (Django skips and deletes it on save); unticking undoes it.
 * Rows are never taken out of the page, so form indexes stay contiguous as Django expects.
 */
(function () {
  "use strict";

  function rowsOf(container) {
    return Array.from(container.querySelectorAll("[data-formset-row]"));
  }

  function deleteBoxOf(row) {
    return row.querySelector('input[type="checkbox"][name$="-DELETE"]');
  }

  function refresh(container) {
    const prefix = container.dataset.formset;
    let number = 0;
    rowsOf(container).forEach(function (row) {
      const box = deleteBoxOf(row);
      const removed = Boolean(box && box.checked);
      row.classList.toggle("formset-row--removed", removed);
      if (!removed) number += 1;
      const label = row.querySelector("[data-row-number]");
      if (label) label.textContent = removed ? "(will be removed when you save)" : String(number);
    });
    const emptyNote = document.querySelector('[data-formset-empty="' + prefix + '"]');
    if (emptyNote) emptyNote.classList.toggle("d-none", number > 0);
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    const addButton = document.querySelector('[data-add-row="' + prefix + '"]');
    if (addButton && total && max) addButton.disabled = Number(total.value) >= Number(max.value);
  }

  function addRow(container) {
    const prefix = container.dataset.formset;
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const template = document.getElementById(prefix + "-empty-form");
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    refresh(container);
    const row = rowsOf(container).pop();
    container.dispatchEvent(new CustomEvent("formset:row-added", { bubbles: true, detail: { row: row } }));
    const first = row.querySelector(".formset-row-fields input:not([type=hidden]), .formset-row-fields select");
    if (first) first.focus();
  }

  document.querySelectorAll("[data-formset]").forEach(function (container) {
    const button = document.querySelector('[data-add-row="' + container.dataset.formset + '"]');
    if (button) button.addEventListener("click", function () { addRow(container); });
    container.addEventListener("change", function (event) {
      if (event.target.matches('input[type="checkbox"][name$="-DELETE"]')) refresh(container);
    });
    refresh(container);
  });
})();
