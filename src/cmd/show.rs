//! `drconsole runbook show`: a readable outline of the plan.

use std::fmt::Write;

use crate::i18n;
use crate::runbook::model::{Lang, Runbook, TrackKind};

pub fn outline(rb: &Runbook, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", rb.plan.name, rb.plan.system);
    let _ = writeln!(o, "  {}: {}", l.rpo, rb.plan.rpo);
    let _ = writeln!(o, "  {}: {}", l.rto, rb.plan.rto);
    let _ = writeln!(
        o,
        "  {}: {}  ({}: {})",
        l.availability,
        rb.plan.availability_target,
        l.monthly_budget,
        crate::duration_text::compact(rb.plan.availability_target.monthly_budget())
    );

    let _ = writeln!(o, "\n{}", l.levels);
    for lv in &rb.levels {
        let track = rb.track(&lv.track).map(|t| t.name.as_str()).unwrap_or("?");
        let _ =
            writeln!(o, "  {}  {} — {} [{}: {track}]", lv.level, lv.name, lv.description, l.track);
    }

    let _ = writeln!(o, "\n{}", l.disaster_types);
    for d in &rb.disaster_types {
        let _ = writeln!(
            o,
            "  {:<22} {} ({}: {}, {}: {})",
            d.id,
            d.name,
            l.impact,
            i18n::impact(lang, d.impact),
            l.priority,
            d.priority
        );
    }

    let _ = writeln!(o, "\n{}", l.functions);
    for f in &rb.functions {
        let _ = writeln!(
            o,
            "  {:<10} {}  RTO {}  {}: {}",
            f.id,
            f.name,
            f.max_downtime,
            l.depends_on,
            f.services.join(", ")
        );
    }

    let _ = writeln!(o, "\n{}", l.services);
    for s in &rb.services {
        let _ = writeln!(
            o,
            "  {:<10} {:<8} {}  {} {}, {} {}",
            s.id,
            s.kind.as_str(),
            crate::target::redact(&s.target),
            l.every,
            s.interval,
            l.timeout,
            s.timeout
        );
    }

    let _ = writeln!(o, "\n{}", l.roles);
    for r in &rb.roles {
        let _ = writeln!(o, "  {:<15} {} {} — {}", r.id, r.title, r.person, r.duties);
    }

    for t in rb.tracks.iter().filter(|t| t.kind == TrackKind::Full) {
        let _ = writeln!(o, "\n{} — {}", l.steps, t.name);
        for (i, ts) in rb.track_steps(t, &[]).iter().enumerate() {
            let s = ts.step;
            let owner = rb.role(&s.owner).map(|r| r.title.as_str()).unwrap_or(&s.owner);
            let _ = writeln!(o, "  {:>2}. {}  [{}: {owner}]", i + 1, s.title, l.owner);
            if let Some(sub) = s.procedure.as_deref().and_then(|p| rb.procedure(p)) {
                let section = sub.section.as_deref().unwrap_or("");
                let _ = writeln!(o, "      {}: {} {section}", l.sub_procedure, sub.name);
                for sub_step in &sub.steps {
                    let _ = writeln!(o, "        - {}", sub_step.title);
                    for c in &sub_step.commands {
                        let _ = writeln!(o, "          $ {}", c.run);
                    }
                }
            }
            if let Some(cl) = s.checklist.as_deref() {
                if let Some(c) = rb.checklists.iter().find(|c| c.id == cl) {
                    let _ = writeln!(o, "      {}: {}", l.checklist, c.name);
                }
            }
            if let Some(p) = s.on_fail.as_deref().and_then(|p| rb.procedure(p)) {
                let _ = writeln!(o, "      {}: {}", l.on_fail, p.name);
            }
            if s.completes_recovery {
                let _ = writeln!(o, "      ({})", l.closes);
            }
        }
    }
    o
}
