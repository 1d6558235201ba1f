/*
 * Live hints on the trials page, as the clinician types (the server checks everything again):
 *  - the drug's class and minimum adequate dose from the catalogue (rules §9; the 65+ column
 *    when the patient is 65 or older), or a prompt for class and minimum dose when the drug is
 *    not in the catalogue (clinician-defined, rules §1.2);
 *  - weeks at dose from the start and end dates: days / 7, rounded to 0.1 (patients/forms.py);
 *  - improvement from a baseline and an end score: (baseline − end) / baseline × 100.
 * The catalogue arrives as a JSON data island ({{ catalogue|json_script:"drug-catalogue" }}).
 * Events are delegated to the rows' container, so rows added later work the same.
 */
(function () {
  "use strict";

  const island = document.getElementById("drug-catalogue");
  const container = document.querySelector('[data-formset="trials"]');
  if (!island || !container) return;
  const catalogue = JSON.parse(island.textContent);
  const patientAge = container.dataset.patientAge === "" ? null : Number(container.dataset.patientAge);

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function roundToTenth(value) {
    // Half away from zero, like Decimal ROUND_HALF_UP on the server.
    return Math.sign(value) * Math.round(Math.abs(value) * 10) / 10;
  }

  function mg(value) {
    return String(value).replace(/\.0+$/, "") + " mg/day";
  }

  function normalisedDrug(row) {
    const typed = field(row, "drug").value.trim().toLowerCase().replace(/\s+/g, " ");
    if (!(typed in catalogue) && typed.replace(/ /g, "_") in catalogue) return typed.replace(/ /g, "_");
    return typed;
  }

  function showDrug(row) {
    const info = row.querySelector("[data-drug-info]");
    const drug = normalisedDrug(row);
    const entry = catalogue[drug];
    const definedByClinician = row.querySelectorAll("[data-clinician-defined]");
    const clinicianValues = field(row, "drug_class").value !== "" || field(row, "min_adequate_dose_mg").value !== "";
    definedByClinician.forEach(function (part) {
      part.classList.toggle("d-none", Boolean(entry) && !clinicianValues && !part.querySelector(".is-invalid"));
    });
    if (!drug) {
      info.textContent = "";
      return;
    }
    if (!entry) {
      info.textContent = "Not in the catalogue: enter its class and minimum adequate dose (clinician-defined).";
      return;
    }
    let minimum = entry.min_dose_mg;
    let text = entry.drug_class + " · minimum adequate dose " + mg(entry.min_dose_mg);
    if (entry.min_dose_65_mg !== null) {
      text += " (" + mg(entry.min_dose_65_mg) + " from age 65";
      if (patientAge !== null && patientAge >= 65) {
        minimum = entry.min_dose_65_mg;
        text += ", which applies to this patient";
      }
      text += ")";
    }
    const dose = parseFloat(field(row, "dose_mg_per_day").value);
    if (!Number.isNaN(dose) && dose > 0 && dose < minimum) {
      text += ". " + mg(dose) + " is below it: the trial will not be adequate.";
    }
    info.textContent = text;
  }

  function showWeeks(row) {
    const hint = row.querySelector("[data-weeks-hint]");
    const start = field(row, "started_on").valueAsDate;
    const end = field(row, "ended_on").valueAsDate;
    if (!start || !end) {
      hint.textContent = "";
      return;
    }
    const days = Math.round((end - start) / 86400000);
    if (days < 0) {
      hint.textContent = "End date is before start date.";
      return;
    }
    const weeks = roundToTenth(days / 7).toFixed(1);
    hint.textContent = "The dates give " + weeks + " weeks" +
      (field(row, "weeks_at_dose").value === "" ? ", used when weeks at dose is left empty." : ".");
  }

  function showImprovement(row) {
    const hint = row.querySelector("[data-improvement-hint]");
    const baseline = parseInt(field(row, "baseline_score").value, 10);
    const end = parseInt(field(row, "end_score").value, 10);
    if (Number.isNaN(baseline) || Number.isNaN(end) || baseline <= 0) {
      hint.textContent = "";
      return;
    }
    hint.textContent = "The scores give " + roundToTenth((baseline - end) / baseline * 100).toFixed(1) + " %.";
  }

  function refreshRow(row) {
    showDrug(row);
    showWeeks(row);
    showImprovement(row);
  }

  function onEdit(event) {
    const row = event.target.closest("[data-formset-row]");
    if (row) refreshRow(row);
  }

  container.addEventListener("input", onEdit);
  container.addEventListener("change", onEdit);
  container.addEventListener("formset:row-added", function (event) { refreshRow(event.detail.row); });
  container.querySelectorAll("[data-formset-row]").forEach(refreshRow);
})();
