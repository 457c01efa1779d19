//! The live score: total and grade on every keystroke, and "为什么是这个分" — every
//! point's explanation line from the engine.

use leptos::prelude::*;

use super::form::use_form;
use crate::i18n::*;

#[component]
pub fn ScoreCard() -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let open = RwSignal::new(false);
    let total =
        move || form.evaluation.with(|e| e.as_ref().map(|e| e.total.to_string()).unwrap_or_else(|_| "—".into()));
    let grade = move || form.evaluation.with(|e| e.as_ref().ok().and_then(|e| e.grade.as_deref().map(str::to_string)));
    let lines = move || {
        form.evaluation.with(|e| match e {
            Ok(e) => e
                .lines
                .iter()
                .map(|l| (l.text(), l.points.map(|p| p.to_string())))
                .chain(e.warnings.iter().map(|w| (format!("⚠ {}", w.text()), None)))
                .collect::<Vec<_>>(),
            Err(err) => vec![(err.to_string(), None)],
        })
    };
    view! {
        <section class="score-card" data-testid="score-card">
            <div class="score-main">
                <div>
                    <span class="score-label">{t!(i18n, filing_score)}</span>
                    <strong class="score-total" data-testid="live-total">{total}</strong>
                </div>
                {move || grade().map(|g| view! { <span class="grade" data-testid="live-grade">{g}</span> })}
                <button
                    class="btn btn-ghost btn-small"
                    data-testid="why"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if open.get() { t_string!(i18n, filing_hide_why) } else { t_string!(i18n, filing_why) }}
                </button>
            </div>
            <Show when=move || open.get()>
                <ol class="why" data-testid="why-lines">
                    {move || {
                        lines()
                            .into_iter()
                            .map(|(text, points)| {
                                view! {
                                    <li>
                                        <span>{text}</span>
                                        {points.map(|p| view! { <b class="why-points">{p}</b> })}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ol>
            </Show>
        </section>
    }
}
