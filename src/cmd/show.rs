//! `drconsole runbook show`: the whole plan as a readable outline, or as JSON for tooling.

use std::fmt::Write;

use crate::i18n;
use crate::runbook::model::{Lang, Procedure, Runbook, Step, TrackKind};

/// The runbook as JSON: the model as read, with every service target redacted as everywhere
/// else a target is shown.
pub fn json(rb: &Runbook) -> String {
    let mut copy = rb.clone();
    for s in &mut copy.services {
        s.target = crate::target::redact(&s.target);
    }
    serde_json::to_string_pretty(&copy).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn outline(rb: &Runbook, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", rb.plan.name, rb.plan.system);
    if let Some(v) = &rb.plan.version {
        let _ = writeln!(o, "  {v}");
    }
    let _ = writeln!(o, "  {}: {}", l.rpo, rb.plan.rpo);
    let _ = writeln!(o, "  {}: {}", l.rto, rb.plan.rto);
    if let Some(target) = rb.plan.availability_target {
        let _ = writeln!(
            o,
            "  {}: {}  ({}: {})",
            l.availability,
            target,
            l.monthly_budget,
            crate::duration_text::compact(target.monthly_budget())
        );
    }
    for obj in &rb.plan.objectives {
        let _ = writeln!(o, "  - {obj}");
    }

    levels(&mut o, rb, l);
    disaster_types(&mut o, rb, lang, l);

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
        let mut line = format!("  {:<15} {} {}", r.id, r.title, r.person);
        for reach in [&r.phone, &r.email].into_iter().flatten() {
            line.push_str(&format!(" · {reach}"));
        }
        if let Some(d) = &r.duties {
            line.push_str(&format!(" — {d}"));
        }
        let _ = writeln!(o, "{line}");
    }
    if !rb.contacts.is_empty() {
        let _ = writeln!(o, "\n{}", l.contacts);
        for c in &rb.contacts {
            let mut line =
                format!("  {:<15} {} · {} · {}", c.id, c.organization, c.person, c.service);
            for reach in [&c.phone, &c.email].into_iter().flatten() {
                line.push_str(&format!(" · {reach}"));
            }
            let _ = writeln!(o, "{line}");
        }
    }
    if !rb.backups.is_empty() {
        let _ = writeln!(o, "\n{}", l.backups);
        for b in &rb.backups {
            let _ = writeln!(o, "  {:<15} {} · {} · {}", b.id, b.name, b.frequency, b.location);
            for extra in [&b.method, &b.retention, &b.verification].into_iter().flatten() {
                let _ = writeln!(o, "      {extra}");
            }
        }
    }

    tracks(&mut o, rb, l);
    let _ = writeln!(o, "\n{}", l.procedures);
    for p in &rb.procedures {
        procedure(&mut o, rb, p, l);
    }

    placeholders(&mut o, rb);
    if !rb.checklists.is_empty() {
        let _ = writeln!(o, "\n{}", l.checklists);
        for c in &rb.checklists {
            let _ = writeln!(o, "  {} ({})", c.name, c.id);
            for item in &c.items {
                let _ = writeln!(o, "    [ ] {item}");
            }
        }
    }
    if !rb.exercises.is_empty() {
        let _ = writeln!(o, "\n{}", l.exercises);
        for e in &rb.exercises {
            let _ = writeln!(o, "  {} · {} · {}", e.name, e.frequency, e.participants);
            let _ = writeln!(o, "      {}", e.content);
        }
    }
    if !rb.references.is_empty() {
        let _ = writeln!(o, "\n{}", l.references);
        for r in &rb.references {
            let section = r.section.as_deref().map(|s| format!("§{s} ")).unwrap_or_default();
            let _ = writeln!(o, "  {section}{}", r.title);
            if !r.columns.is_empty() {
                let _ = writeln!(o, "    {}", r.columns.join(" | "));
            }
            for row in &r.rows {
                let _ = writeln!(o, "    {}", row.join(" | "));
            }
            for item in &r.items {
                let _ = writeln!(o, "    - {item}");
            }
        }
    }
    o
}

fn levels(o: &mut String, rb: &Runbook, l: &i18n::Labels) {
    let _ = writeln!(o, "\n{}", l.levels);
    for lv in &rb.levels {
        let id = lv.label.clone().unwrap_or_else(|| lv.level.to_string());
        let track = match &lv.track {
            Some(t) => rb.track(t).map_or(t.as_str(), |t| t.name.as_str()),
            None => "-",
        };
        let _ = writeln!(o, "  {id}  {} — {} [{}: {track}]", lv.name, lv.description, l.track);
        if let Some(within) = lv.respond_within {
            let _ = writeln!(o, "      {}: {within}", l.respond_within);
        }
        if !lv.escalation.is_empty() {
            let path: Vec<&str> = lv
                .escalation
                .iter()
                .map(|r| rb.role(r).map_or(r.as_str(), |x| x.title.as_str()))
                .collect();
            let _ = writeln!(o, "      {}: {}", l.escalation, path.join(" → "));
        }
    }
}

fn disaster_types(o: &mut String, rb: &Runbook, lang: Lang, l: &i18n::Labels) {
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
        // Only a format 2 scenario says more than its one line.
        let own_track = d.track.as_deref().and_then(|t| rb.track(t));
        if own_track.is_none() && d.rto.is_none() && d.rpo.is_none() && d.symptoms.is_empty() {
            continue;
        }
        let _ = writeln!(o, "      {}", d.description);
        let mut facts = Vec::new();
        if let Some(t) = own_track {
            facts.push(format!("{}: {}", l.track, t.name));
        }
        facts.push(format!("RTO {}", crate::duration_text::compact(rb.rto_for(&d.id))));
        facts.push(format!("RPO {}", crate::duration_text::compact(rb.rpo_for(&d.id))));
        let _ = writeln!(o, "      {}", facts.join(" · "));
        if !d.symptoms.is_empty() {
            let _ = writeln!(o, "      {}:", l.symptoms);
            for s in &d.symptoms {
                let _ = writeln!(o, "        - {s}");
            }
        }
        if !d.functions.is_empty() {
            let names: Vec<&str> = d
                .functions
                .iter()
                .map(|f| rb.function(f).map_or(f.as_str(), |x| x.name.as_str()))
                .collect();
            let _ = writeln!(o, "      {}: {}", l.functions_hit, names.join(", "));
        }
    }
}

fn tracks(o: &mut String, rb: &Runbook, l: &i18n::Labels) {
    let _ = writeln!(o, "\n{}", l.tracks);
    for t in &rb.tracks {
        let mut parts: Vec<String> = Vec::new();
        let name = |id: &str| rb.procedure(id).map_or(id.to_string(), |p| p.name.clone());
        if let Some(p) = &t.procedure {
            parts.push(name(p));
        }
        if t.kind == TrackKind::Partial {
            parts.push(format!("[{}]", l.functions));
        }
        if let Some(p) = &t.finish {
            parts.push(name(p));
        }
        let kind = match t.kind {
            TrackKind::Maintenance => "maintenance",
            TrackKind::Partial => "partial",
            TrackKind::Full => "full",
        };
        let _ = writeln!(o, "  {} ({kind}): {}", t.name, parts.join(" → "));
    }
}

fn procedure(o: &mut String, rb: &Runbook, p: &Procedure, l: &i18n::Labels) {
    let section = p.section.as_deref().map(|s| format!(" §{s}")).unwrap_or_default();
    let _ = writeln!(o, "\n{} — {}{section}", l.steps, p.name);
    if let Some(every) = p.every {
        let _ = writeln!(o, "  ({} {every})", l.cadence);
    }
    for (i, s) in p.steps.iter().enumerate() {
        step(o, rb, i + 1, s, l);
    }
}

fn step(o: &mut String, rb: &Runbook, n: usize, s: &Step, l: &i18n::Labels) {
    match s.owner.as_deref() {
        Some(owner) => {
            let owner = rb.role(owner).map_or(owner, |r| r.title.as_str());
            let _ = writeln!(o, "  {n:>2}. {}  [{}: {owner}]", s.title, l.owner);
        }
        None => {
            let _ = writeln!(o, "  {n:>2}. {}", s.title);
        }
    }
    let pad = "      ";
    if let Some(d) = &s.detail {
        for line in d.lines() {
            let _ = writeln!(o, "{pad}{line}");
        }
    }
    for item in &s.items {
        let _ = writeln!(o, "{pad}- {item}");
    }
    if let Some(wait) = s.wait {
        let m = i18n::messages(rb.plan.language);
        let wait = crate::duration_text::compact(wait.0);
        let _ = writeln!(o, "{pad}({})", i18n::fill(m.waits_once_started, &[("wait", &wait)]));
    }
    if let Some(sub) = s.procedure.as_deref().and_then(|p| rb.procedure(p)) {
        let section = sub.section.as_deref().unwrap_or("");
        let _ = writeln!(o, "{pad}{}: {} {section}", l.sub_procedure, sub.name);
    }
    if let Some(c) = s.checklist.as_deref().and_then(|id| rb.checklists.iter().find(|c| c.id == id))
    {
        let _ = writeln!(o, "{pad}{}: {}", l.checklist, c.name);
    }
    commands(o, &s.commands, pad, l);
    // Each way of doing the step, with its own commands, under the ones all ways share.
    for a in &s.alternatives {
        let w = i18n::command_words(rb.plan.language);
        let _ = writeln!(o, "{pad}◇ {} {}: {}", w.alternative, a.id, a.label);
        if let Some(d) = &a.detail {
            let _ = writeln!(o, "{pad}    {d}");
        }
        commands(o, &a.commands, &format!("{pad}    "), l);
    }
    if let Some(p) = s.on_fail.as_deref().and_then(|p| rb.procedure(p)) {
        let _ = writeln!(o, "{pad}{}: {}", l.on_fail, p.name);
    }
    if s.completes_recovery {
        let _ = writeln!(o, "{pad}({})", l.closes);
    }
}

fn commands(
    o: &mut String,
    cmds: &[crate::runbook::model::StepCommand],
    pad: &str,
    l: &i18n::Labels,
) {
    for c in cmds {
        let _ = writeln!(o, "{pad}{}: {}", l.command, c.label);
        // A multi-line command shows its prompt once, like a shell's continuation.
        for (k, line) in c.run.lines().enumerate() {
            let prompt = if k == 0 { "$" } else { " " };
            let _ = writeln!(o, "{pad}  {prompt} {line}");
        }
    }
}

/// The command placeholders: id, label, pattern, and whether the value is secret.
fn placeholders(o: &mut String, rb: &Runbook) {
    if rb.placeholders.is_empty() {
        return;
    }
    let w = i18n::command_words(rb.plan.language);
    let _ = writeln!(o, "\n{}", w.placeholder);
    for p in &rb.placeholders {
        let mut line = format!("  {{{}}}  {}", p.id, p.label);
        if let Some(pat) = &p.pattern {
            line.push_str(&format!("  {}: {pat}", w.pattern));
        }
        if p.secret {
            line.push_str(&format!("  {}", w.secret));
        }
        let _ = writeln!(o, "{line}");
    }
}
