//! 本月重点工作: the key and hard work done this period (实绩), picked from the task list
//! or typed, with a quantity, a short note and photos. An entry linked to an indicator
//! feeds it (the engine counts or sums the entries).

use leptos::prelude::*;
use rules_wasm::scheme::{FilledBy, Method};

use super::form::use_form;
use super::photos::EntryPhotos;
use super::{WorkEntry, MAX_ENTRIES, MAX_NOTE_CHARS, MAX_TITLE_CHARS};
use crate::i18n::*;

/// Indicators work entries can feed: filled by the cadre, counted or summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
}

/// The indicators an entry may count toward, and the one new entries default to: a
/// scheme's only self-declared count of work items (such as Wanzhou's 申报完成的重难点工作).
pub fn entry_targets(scheme: &rules_wasm::CompiledScheme) -> (Vec<Target>, Option<String>) {
    let targets: Vec<Target> = scheme
        .scheme()
        .indicators
        .iter()
        .filter(|i| i.filled_by == FilledBy::Own)
        .filter(|i| matches!(i.method, Method::PerUnit { .. } | Method::Steps { .. } | Method::Done { .. }))
        .map(|i| Target { id: i.id.clone(), name: i.name.clone(), unit: i.unit.clone() })
        .collect();
    let counts: Vec<&Target> = targets.iter().filter(|t| t.unit.as_deref() == Some("项")).collect();
    let default = (counts.len() == 1).then(|| counts[0].id.clone());
    (targets, default)
}

fn update_entry(entries: &mut [WorkEntry], id: &str, f: impl FnOnce(&mut WorkEntry)) {
    if let Some(e) = entries.iter_mut().find(|e| e.id == id) {
        f(e);
    }
}

#[component]
pub fn WorkEntries() -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let (targets, default_target) = form.scheme.with_value(|s| entry_targets(s));
    let targets = StoredValue::new(targets);
    let count = move || form.draft.with(|d| d.entries.len());

    let add = move |_| {
        let default_target = default_target.clone();
        form.edit(|d| {
            if d.entries.len() < MAX_ENTRIES {
                d.entries.push(WorkEntry {
                    id: crate::browser::random_key(),
                    indicator: default_target,
                    ..Default::default()
                });
            }
        });
    };

    view! {
        <section class="card form-section" data-testid="work-entries">
            <header class="card-head">
                <h2>{t!(i18n, filing_work)}</h2>
                <span class="muted">{move || count()}</span>
            </header>
            <For
                each=move || form.draft.with(|d| d.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>())
                key=|id| id.clone()
                let:id
            >
                <EntryCard id targets />
            </For>
            <button
                class="btn btn-secondary btn-block"
                data-testid="add-entry"
                disabled={move || !form.editable.get() || count() >= MAX_ENTRIES}
                on:click=add
            >
                "＋ "{t!(i18n, filing_work_add)}
            </button>
        </section>
    }
}

#[component]
fn EntryCard(id: String, targets: StoredValue<Vec<Target>>) -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let index = {
        let id = id.clone();
        move || form.draft.with(|d| d.entries.iter().position(|e| e.id == id))
    };
    let entry = {
        let id = id.clone();
        move || form.draft.with(|d| d.entries.iter().find(|e| e.id == id).cloned().unwrap_or_default())
    };
    let problem = move |field: &'static str| {
        let index = index.clone();
        move || {
            let i = index()?;
            form.show_problems.get().then(|| form.problem(&format!("entries[{i}].{field}"))).flatten()
        }
    };
    let tasks = form.tasks.get_value();
    let has_tasks = !tasks.is_empty();

    let edit = {
        let id = id.clone();
        move |f: Box<dyn FnOnce(&mut WorkEntry)>| form.edit(|d| update_entry(&mut d.entries, &id, f))
    };

    let on_task = {
        let edit = edit.clone();
        let tasks = tasks.clone();
        move |ev| {
            let value = event_target_value(&ev);
            let task = value.parse::<i64>().ok().and_then(|tid| tasks.iter().find(|t| t.id == tid).cloned());
            edit(Box::new(move |e| match task {
                Some(t) => {
                    e.task_id = Some(t.id);
                    e.title = t.title;
                    if t.indicator.is_some() {
                        e.indicator = t.indicator;
                    }
                }
                None => e.task_id = None,
            }));
        }
    };
    let on_title = {
        let edit = edit.clone();
        move |ev| {
            let v = event_target_value(&ev);
            edit(Box::new(move |e| e.title = v));
        }
    };
    let on_quantity = {
        let edit = edit.clone();
        move |ev| {
            let v = event_target_value(&ev);
            edit(Box::new(move |e| e.quantity = v.trim().to_string()));
        }
    };
    let on_target = {
        let edit = edit.clone();
        move |ev| {
            let v = event_target_value(&ev);
            edit(Box::new(move |e| e.indicator = (!v.is_empty()).then_some(v)));
        }
    };
    let on_note = {
        let edit = edit.clone();
        move |ev| {
            let v = event_target_value(&ev);
            edit(Box::new(move |e| e.note = v));
        }
    };
    let remove = {
        let id = id.clone();
        move |_| form.edit(|d| d.entries.retain(|e| e.id != id))
    };

    let first = entry();
    let unit = {
        let entry = entry.clone();
        move || {
            let indicator = entry().indicator;
            targets.with_value(|ts| ts.iter().find(|t| Some(&t.id) == indicator.as_ref()).and_then(|t| t.unit.clone()))
        }
    };
    let title_problem = problem("title");
    let quantity_problem = problem("quantity");
    let note_len = {
        let entry = entry.clone();
        move || entry().note.chars().count()
    };
    let disabled = move || !form.editable.get();

    view! {
        <article class="entry" data-testid="entry">
            {has_tasks.then(|| {
                let selected_task = first.task_id;
                view! {
                    <select class="entry-task" data-testid="entry-task" disabled=disabled on:change=on_task>
                        <option value="" selected=selected_task.is_none()>{t!(i18n, filing_work_custom)}</option>
                        {tasks
                            .into_iter()
                            .map(|t| view! { <option value=t.id.to_string() selected=selected_task == Some(t.id)>{t.title}</option> })
                            .collect_view()}
                    </select>
                }
            })}
            <input
                class="entry-title"
                type="text"
                data-testid="entry-title"
                maxlength=MAX_TITLE_CHARS
                placeholder=move || t_string!(i18n, filing_work_title)
                value=first.title.clone()
                prop:value={
                    let entry = entry.clone();
                    move || entry().title
                }
                disabled=disabled
                on:input=on_title
            />
            {move || title_problem().map(|m| view! { <p class="field-message" role="alert">{m}</p> })}
            <div class="entry-row">
                <label class="entry-qty">
                    <span>{t!(i18n, filing_work_quantity)}</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        data-testid="entry-quantity"
                        placeholder="1"
                        value=first.quantity.clone()
                        disabled=disabled
                        on:input=on_quantity
                    />
                    {move || unit().map(|u| view! { <span class="unit">{u}</span> })}
                </label>
                <label class="entry-target">
                    <span>{t!(i18n, filing_work_counts_for)}</span>
                    <select
                        data-testid="entry-indicator"
                        disabled=disabled
                        on:change=on_target
                        prop:value={
                            let entry = entry.clone();
                            move || entry().indicator.unwrap_or_default()
                        }
                    >
                        <option value="" selected=first.indicator.is_none()>{t!(i18n, filing_work_counts_none)}</option>
                        {targets.with_value(|ts| {
                            ts.iter()
                                .map(|t| {
                                    let selected = first.indicator.as_deref() == Some(t.id.as_str());
                                    view! { <option value=t.id.clone() selected=selected>{t.name.clone()}</option> }
                                })
                                .collect_view()
                        })}
                    </select>
                </label>
            </div>
            {move || quantity_problem().map(|m| view! { <p class="field-message" role="alert">{m}</p> })}
            <textarea
                class="entry-note"
                data-testid="entry-note"
                rows="2"
                maxlength=MAX_NOTE_CHARS
                placeholder=move || t_string!(i18n, filing_work_note)
                disabled=disabled
                on:input=on_note
            >
                {first.note.clone()}
            </textarea>
            <div class="entry-foot">
                <EntryPhotos entry_id=id.clone() />
                <span class="muted">{move || format!("{}/{MAX_NOTE_CHARS}", note_len())}</span>
                <button class="btn btn-ghost btn-small" data-testid="entry-remove" disabled=disabled on:click=remove>
                    {t!(i18n, filing_work_remove)}
                </button>
            </div>
        </article>
    }
}
