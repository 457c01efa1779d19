//! The scheme's indicators the cadre fills in, rendered from the engine's form.

use leptos::html;
use leptos::prelude::*;
use rules_wasm::scheme::FilledBy;
use rules_wasm::{Code, Field, InputKind, Section, Value};

use super::form::use_form;
use super::DraftBody;
use crate::i18n::*;

/// An owned copy of the engine's [`Field`] for the view.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldView {
    pub id: String,
    pub name: String,
    pub section: Section,
    pub input: InputKind,
    pub unit: Option<String>,
    pub target: Option<String>,
    pub max: Option<String>,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub selectable: bool,
    pub max_points: Option<String>,
    pub description: Option<String>,
    pub filled_by: FilledBy,
}

impl From<&Field<'_>> for FieldView {
    fn from(f: &Field<'_>) -> Self {
        Self {
            id: f.id.to_string(),
            name: f.name.to_string(),
            section: f.section,
            input: f.input,
            unit: f.unit.map(str::to_string),
            target: f.target.map(|t| t.to_string()),
            max: f.max.map(|t| t.to_string()),
            options: f.options.iter().map(|o| (o.id.to_string(), o.label.to_string())).collect(),
            required: f.required,
            selectable: f.selectable,
            max_points: f.max_points.map(|p| p.to_string()),
            description: f.description.map(str::to_string),
            filled_by: f.filled_by,
        }
    }
}

/// The value a text input stands for, read exactly as the engine reads JSON: a plain
/// decimal is a number, anything else is text (which the engine reports as wrong).
pub fn value_of_input(raw: &str) -> Option<Value> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(rules_wasm::num::parse_decimal(raw).map_or_else(|| Value::Text(raw.to_string()), Value::Number))
}

/// The text an input shows for a stored value.
pub fn text_of_value(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Text(t)) => t.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

fn set_value(d: &mut DraftBody, id: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            d.filing.values.insert(id.to_string(), v);
        }
        None => {
            d.filing.values.remove(id);
        }
    }
}

#[component]
pub fn IndicatorFields() -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let (own, others, max_selected) = form.scheme.with_value(|s| {
        let fields = s.form();
        let own: Vec<FieldView> = fields
            .iter()
            .filter(|f| f.filled_by == FilledBy::Own && f.input != InputKind::Sources)
            .map(FieldView::from)
            .collect();
        let others: Vec<FieldView> = fields
            .iter()
            .filter(|f| f.filled_by != FilledBy::Own && f.section == Section::Indicator)
            .map(FieldView::from)
            .collect();
        (own, others, s.scheme().max_selected)
    });
    let selected_count = move || form.draft.with(|d| d.filing.selected.as_ref().map_or(0, Vec::len));
    let others_count = others.len();

    view! {
        <section class="card form-section" data-testid="indicators">
            <header class="card-head">
                <h2>{t!(i18n, filing_indicators)}</h2>
                {max_selected.map(|max| view! {
                    <span class="chip" data-testid="selected-count">
                        {move || { let n = selected_count(); t_string!(i18n, filing_selected, n, max).to_string() }}
                    </span>
                })}
            </header>
            {own.into_iter().map(|field| view! { <IndicatorField field max_selected /> }).collect_view()}
            {(others_count > 0).then(|| view! {
                <details class="others">
                    <summary>{t!(i18n, filing_others, n = others_count)}</summary>
                    <ul class="list">
                        {others.into_iter().map(|f| view! {
                            <li class="list-row">
                                <span>{f.name}</span>
                                <span class="list-sub"><FilledByName by=f.filled_by /></span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

#[component]
fn FilledByName(by: FilledBy) -> impl IntoView {
    let i18n = use_i18n();
    move || match by {
        FilledBy::Own => t_string!(i18n, filled_by_self),
        FilledBy::Leader => t_string!(i18n, filled_by_leader),
        FilledBy::Office => t_string!(i18n, filled_by_office),
        FilledBy::System => t_string!(i18n, filled_by_system),
        FilledBy::Sources => t_string!(i18n, filled_by_sources),
    }
}

#[component]
fn IndicatorField(field: FieldView, max_selected: Option<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let FieldView { id, name, input, unit, target, options, required, selectable, max_points, description, .. } = field;
    let path = format!("values.{id}");
    let touched = RwSignal::new(false);
    let dom_id = format!("field-{id}");

    let error = Signal::derive({
        let path = path.clone();
        move || (touched.get() || form.show_problems.get()).then(|| form.problem(&path)).flatten()
    });
    let points = {
        let id = id.clone();
        move || {
            form.evaluation
                .with(|e| e.as_ref().ok().and_then(|e| e.item(&id)).map(|item| (item.points.to_string(), item.counted)))
        }
    };
    let stored = Memo::new({
        let id = id.clone();
        move |_| form.draft.with(|d| d.filing.values.get(&id).cloned())
    });
    // With nothing typed, the engine takes the value from the work entries linked to the
    // indicator: the empty input says so, with the sum it counted (its `item.entries` line).
    let from_entries = {
        let id = id.clone();
        move || {
            form.evaluation.with(|e| {
                let e = e.as_ref().ok()?;
                let line =
                    e.lines.iter().find(|l| l.code == Code::ItemEntries && l.id.as_deref() == Some(id.as_str()))?;
                match line.args.as_slice() {
                    [value, n, ..] => Some(
                        t_string!(i18n, filing_from_entries, n = n.to_string(), value = value.to_string()).to_string(),
                    ),
                    _ => None,
                }
            })
        }
    };

    let widget = match input {
        InputKind::Check => {
            let id = id.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        id=dom_id.clone()
                        data-testid=format!("input-{id}")
                        prop:checked=move || matches!(stored.get(), Some(Value::Bool(true)))
                        disabled=move || !form.editable.get()
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            form.edit(|d| set_value(d, &id, Some(Value::Bool(checked))));
                        }
                    />
                    <span>{name.clone()}</span>
                </label>
            }
            .into_any()
        }
        InputKind::Choice => {
            let id = id.clone();
            view! {
                <select
                    id=dom_id.clone()
                    data-testid=format!("input-{id}")
                    disabled=move || !form.editable.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.edit(|d| set_value(d, &id, (!v.is_empty()).then_some(Value::Text(v))));
                        touched.set(true);
                    }
                >
                    <option value="">{t!(i18n, filing_choose)}</option>
                    {options
                        .into_iter()
                        .map(|(value, label)| {
                            let selected = {
                                let value = value.clone();
                                move || matches!(stored.get(), Some(Value::Text(t)) if t == value)
                            };
                            view! { <option value=value selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        _ => {
            let id = id.clone();
            let node = NodeRef::<html::Input>::new();
            // The input owns what is being typed; it is rewritten only when the draft
            // holds another value (a restored draft), so the caret never jumps.
            Effect::new(move |_| {
                let want = stored.get();
                if let Some(el) = node.get() {
                    if value_of_input(&el.value()) != want {
                        el.set_value(&text_of_value(want.as_ref()));
                    }
                }
            });
            let mode = if input == InputKind::Count { "numeric" } else { "decimal" };
            view! {
                <div class="number">
                    <input
                        node_ref=node
                        type="text"
                        inputmode=mode
                        id=dom_id.clone()
                        data-testid=format!("input-{id}")
                        value=text_of_value(stored.get_untracked().as_ref())
                        placeholder=from_entries
                        disabled=move || !form.editable.get()
                        aria-invalid=move || error.get().is_some().to_string()
                        on:input=move |ev| {
                            let raw = event_target_value(&ev);
                            form.edit(|d| set_value(d, &id, value_of_input(&raw)));
                        }
                        on:blur=move |_| touched.set(true)
                    />
                    {unit.clone().map(|u| view! { <span class="unit">{u}</span> })}
                </div>
            }
            .into_any()
        }
    };

    let select_toggle = (selectable && max_selected.is_some()).then(|| {
        let id = id.clone();
        let is_selected = {
            let id = id.clone();
            move || form.draft.with(|d| d.filing.selected.as_ref().is_some_and(|s| s.contains(&id)))
        };
        view! {
            <label class="check check-small">
                <input
                    type="checkbox"
                    data-testid=format!("select-{id}")
                    prop:checked=is_selected
                    disabled=move || !form.editable.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.edit(|d| {
                            let list = d.filing.selected.get_or_insert_with(Vec::new);
                            list.retain(|s| s != &id);
                            if on {
                                list.push(id.clone());
                            }
                        });
                    }
                />
                <span>{t!(i18n, filing_select)}</span>
            </label>
        }
    });

    let is_check = input == InputKind::Check;
    view! {
        <div class="field-row" class:field-error=move || error.get().is_some() data-testid=format!("field-{id}")>
            {(!is_check).then(|| view! {
                <label class="field-label" for=dom_id.clone()>
                    {name.clone()}
                    {required.then(|| view! { <span class="required" aria-hidden="true">"*"</span> })}
                </label>
            })}
            {widget}
            <div class="field-meta">
                {target.map(|t| view! { <span class="muted">{t!(i18n, filing_target, target = t)}</span> })}
                {max_points.map(|p| view! { <span class="muted">{t!(i18n, filing_max_points, points = p)}</span> })}
                <span class="field-points" data-testid=format!("points-{id}")>
                    {move || points().map(|(p, counted)| {
                        if counted { format!("→ {p}") } else { "—".to_string() }
                    })}
                </span>
            </div>
            {select_toggle}
            {description.map(|d| view! { <p class="hint">{d}</p> })}
            {move || error.get().map(|e| view! { <p class="field-message" role="alert">{e}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_as_the_engine_reads_json() {
        assert_eq!(value_of_input(" 95 "), serde_json::from_str::<Value>(r#""95""#).ok());
        assert_eq!(value_of_input("95.50"), serde_json::from_str::<Value>(r#""95.50""#).ok());
        assert_eq!(value_of_input("九十"), Some(Value::Text("九十".into())));
        assert_eq!(value_of_input("  "), None);
        assert_eq!(text_of_value(value_of_input("95.50").as_ref()), "95.50");
    }
}
