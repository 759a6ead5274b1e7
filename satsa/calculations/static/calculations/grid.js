// The calculation editor's grids, as in a spreadsheet: rows added and removed without a
// reload, arrow keys and Enter move between cells, a block copied from Excel (tab-separated)
// is pasted from the current cell on, and a unit cost picked from the table fills its line
// at once, keeping everything else typed. A file, not inline script: the
// Content-Security-Policy allows scripts from Satsa's own origin only. Without scripts the
// grid still works: the add button posts the form and the server adds the row.
(() => {
  "use strict";

  const YES = /^(ja|j|x|1|true|sant|yes|y)$/i;

  function visibleRows(tbody) {
    return Array.from(tbody.rows).filter((row) => !row.hidden);
  }

  function cellsOf(row) {
    return Array.from(row.querySelectorAll("[data-col]"));
  }

  function renumber(tbody) {
    visibleRows(tbody).forEach((row, i) => {
      const number = row.querySelector(".row-number");
      if (number) number.textContent = String(i + 1);
    });
  }

  function recompute(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function addRow(form, prefix) {
    const total = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const template = document.getElementById(`${prefix}-template`);
    const tbody = form.querySelector(`table[data-grid="${prefix}"] tbody`);
    if (!total || !template || !tbody) return null;
    const index = Number(total.value);
    tbody.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
    total.value = String(index + 1);
    renumber(tbody);
    return tbody.rows[tbody.rows.length - 1];
  }

  function setValue(element, text) {
    const value = text.trim();
    if (element.type === "checkbox") {
      element.checked = YES.test(value);
    } else if (element.tagName === "SELECT") {
      const wanted = value.toLowerCase();
      let option = Array.from(element.options).find(
        (o) => o.value.toLowerCase() === wanted || o.text.trim().toLowerCase() === wanted,
      );
      if (!option && value && element.dataset.col !== "source") {
        // A name not in the list is kept, as the server keeps it.
        option = new Option(value, value);
        element.add(option);
      }
      if (option) element.value = option.value;
    } else {
      element.value = value;
    }
  }

  function move(cell, rowStep, colStep, form) {
    const row = cell.closest("tr");
    const tbody = row.parentElement;
    const rows = visibleRows(tbody);
    const cells = cellsOf(row);
    let r = rows.indexOf(row) + rowStep;
    const c = cells.indexOf(cell) + colStep;
    let targetRow = rows[r];
    if (!targetRow && rowStep > 0) targetRow = addRow(form, tbody.closest("table").dataset.grid);
    if (!targetRow || r < 0) return;
    const target = cellsOf(targetRow)[Math.max(0, Math.min(c, cells.length - 1))];
    if (!target) return;
    target.focus();
    if (target.select && target.type === "text") target.select();
  }

  function atEdge(cell, end) {
    if (cell.tagName !== "INPUT" || cell.type !== "text") return true;
    const at = end ? cell.value.length : 0;
    return cell.selectionStart === at && cell.selectionEnd === at;
  }

  function onKey(event, form) {
    const cell = event.target.closest("table.sheet [data-col]");
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
    const isSelect = cell.tagName === "SELECT";
    let step = null;
    if (event.key === "Enter") step = [event.shiftKey ? -1 : 1, 0];
    else if (event.key === "ArrowDown" && !isSelect) step = [1, 0];
    else if (event.key === "ArrowUp" && !isSelect) step = [-1, 0];
    else if (event.key === "ArrowLeft" && atEdge(cell, false)) step = [0, -1];
    else if (event.key === "ArrowRight" && atEdge(cell, true)) step = [0, 1];
    if (!step) return;
    // Enter moves down, as in a spreadsheet, instead of sending the form.
    event.preventDefault();
    // ArrowDown on the last row does not add rows; Enter does.
    if (event.key !== "Enter" && step[0] > 0) {
      const row = cell.closest("tr");
      const rows = visibleRows(row.parentElement);
      if (rows.indexOf(row) === rows.length - 1) return;
    }
    move(cell, step[0], step[1], form);
  }

  function onPaste(event, form) {
    const cell = event.target.closest("table.sheet [data-col]");
    if (!cell || !event.clipboardData) return;
    const text = event.clipboardData.getData("text/plain").replace(/\r/g, "").replace(/\n+$/, "");
    if (!text.includes("\t") && !text.includes("\n")) return;
    event.preventDefault();
    const row = cell.closest("tr");
    const tbody = row.parentElement;
    const prefix = tbody.closest("table").dataset.grid;
    const first = visibleRows(tbody).indexOf(row);
    const column = cellsOf(row).indexOf(cell);
    text.split("\n").forEach((line, i) => {
      const target = visibleRows(tbody)[first + i] || addRow(form, prefix);
      if (!target) return;
      const cells = cellsOf(target);
      line.split("\t").forEach((value, j) => {
        const element = cells[column + j];
        if (element) setValue(element, value);
      });
    });
    recompute(cell);
  }

  function onChange(event, fills, form) {
    const target = event.target;
    if (target.id === "id_calc-start_year" || target.id === "id_calc-project_years") {
      addYears(form);
      return;
    }
    if (target.matches("[data-delete]")) {
      const row = target.closest("tr");
      if (target.checked && row) {
        row.hidden = true;
        renumber(row.parentElement);
      }
      return;
    }
    if (target.matches('select[data-col="actor"]')) {
      // The actor's preset perspective (a board: the organisation; a registered party: by
      // its kind), as the server applies it; the person may change it afterwards.
      const preset = target.selectedOptions[0]?.dataset.perspective;
      const perspective = target.closest("tr")?.querySelector('[data-col="perspective"]');
      if (preset !== undefined && perspective) perspective.value = preset;
      return;
    }
    if (!target.matches('select[data-col="source"]')) return;
    const row = target.closest("tr");
    const applied = row.querySelector('input[name$="-source_applied"]');
    const previous = fills[applied ? applied.value : ""];
    const fill = fills[target.value];
    if (applied) applied.value = target.value;
    if (!fill) return;
    Object.entries(fill).forEach(([name, value]) => {
      const element = row.querySelector(`[data-col="${name}"]`);
      if (!element) return;
      // A name typed by the person is kept; one copied from the previous pick is replaced.
      if (name === "name" && element.value.trim() && (!previous || element.value !== previous.name)) return;
      setValue(element, value);
    });
    // The results are recomputed with the filled line (an input event: a change would
    // come back here).
    row.querySelector('[data-col="unit_cost"]')?.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // A cell copied for another year: its name, id and labels name the new year, empty.
  function yearCopy(html, from, to) {
    return html
      .replaceAll(`-y${from}`, `-y${to}`)
      .replaceAll(`"y${from}"`, `"y${to}"`)
      .replace(/ value="[^"]*"/, ' value=""')
      .replace(/<p class="error">.*?<\/p>/g, "")
      .replace(' class="has-error"', "")
      .replace(`>${from}<`, `>${to}<`);
  }

  function addYearTo(row, from, to, before) {
    const cell = row.querySelector(`[data-col="y${from}"]`)?.closest("td, th");
    if (cell) cell.insertAdjacentHTML(before ? "beforebegin" : "afterend", yearCopy(cell.outerHTML, from, to));
  }

  // New project years get their columns at once (the server reads the grid's years from
  // the form), so that a longer project can be filled in without saving first.
  function addYears(form) {
    const start = Number(form.querySelector("#id_calc-start_year")?.value);
    const count = Number(form.querySelector("#id_calc-project_years")?.value);
    const field = form.querySelector('input[name="grid-years"]');
    if (!field || !start || !count || count > 60 || start < 1900 || start > 2100) return;
    const years = field.value.split(",").filter(Boolean).map(Number);
    if (!years.length) return;
    for (let year = start; year < start + count; year += 1) {
      if (years.includes(year)) continue;
      const later = years.filter((y) => y > year);
      const before = later.length > 0;
      const from = before ? Math.min(...later) : Math.max(...years);
      form.querySelectorAll("table.sheet").forEach((table) => {
        const header = table.querySelector(`#${table.dataset.grid}-h-y${from}`);
        if (header) header.insertAdjacentHTML(before ? "beforebegin" : "afterend", yearCopy(header.outerHTML, from, year));
        Array.from(table.tBodies[0].rows).forEach((row) => addYearTo(row, from, year, before));
        const template = document.getElementById(`${table.dataset.grid}-template`);
        if (template) template.content.querySelectorAll("tr").forEach((row) => addYearTo(row, from, year, before));
      });
      years.push(year);
      years.sort((a, b) => a - b);
    }
    field.value = years.join(",");
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("calc-form");
    if (!form) return;
    const data = document.getElementById("unit-cost-fills");
    const fills = data ? JSON.parse(data.textContent) : {};
    form.addEventListener("keydown", (event) => onKey(event, form));
    form.addEventListener("paste", (event) => onPaste(event, form));
    form.addEventListener("change", (event) => onChange(event, fills, form));
    form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-add-row]");
      if (!button) return;
      event.preventDefault();
      const row = addRow(form, button.dataset.addRow);
      const first = row && cellsOf(row).find((c) => c.dataset.col !== "source");
      if (first) first.focus();
    });
    form.dataset.grid = "ready";
  });
})();
