//! Look-ups over a validated runbook.

use super::model::{
    Alternative, BusinessFunction, DisasterType, Level, Placeholder, Procedure, Role, Runbook,
    Step, Track, TrackKind,
};

/// A step together with the procedure it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct TrackStep<'a> {
    pub procedure: &'a Procedure,
    pub step: &'a Step,
}

impl Runbook {
    pub fn level(&self, n: u8) -> Option<&Level> {
        self.levels.iter().find(|l| l.level == n)
    }

    pub fn track(&self, id: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// The track an incident of this disaster type and level runs: the disaster type's own
    /// (format 2 scenarios), else the level's. `None` when the level is not defined.
    pub fn track_for(&self, disaster_type: &str, level: u8) -> Option<&Track> {
        let lv = self.level(level)?;
        let own = self.disaster_type(disaster_type).and_then(|d| d.track.as_deref());
        self.track(own.or(lv.track.as_deref())?)
    }

    /// The RTO that counts for an incident of this disaster type: its own, else the plan's.
    pub fn rto_for(&self, disaster_type: &str) -> std::time::Duration {
        self.disaster_type(disaster_type).and_then(|d| d.rto).unwrap_or(self.plan.rto).0
    }

    /// The RPO that counts for an incident of this disaster type: its own, else the plan's.
    pub fn rpo_for(&self, disaster_type: &str) -> std::time::Duration {
        self.disaster_type(disaster_type).and_then(|d| d.rpo).unwrap_or(self.plan.rpo).0
    }

    /// A level as the runbook names it: its label (`P0`, `SEV1`) when it has one, else
    /// `prefix` and the number (`L3`, `级别3`).
    pub fn level_label(&self, n: u8, prefix: &str) -> String {
        match self.level(n).and_then(|l| l.label.as_deref()) {
            Some(label) => label.to_string(),
            None => format!("{prefix}{n}"),
        }
    }

    /// A level as written on a command line: its label (`P0`, any case) or its number.
    pub fn resolve_level(&self, given: &str) -> Option<u8> {
        let given = given.trim();
        self.levels
            .iter()
            .find(|l| l.label.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(given)))
            .map(|l| l.level)
            .or_else(|| given.parse().ok())
    }

    /// `resolve_level`, or the message naming the levels there are (as `decide` words it).
    pub fn level_given(&self, given: &str) -> Result<u8, String> {
        self.resolve_level(given).filter(|n| self.level(*n).is_some()).ok_or_else(|| {
            let known: Vec<String> =
                self.levels.iter().map(|l| self.level_label(l.level, "")).collect();
            format!(
                "level {} is not a level of this runbook; one of: {}",
                given.trim(),
                known.join(", ")
            )
        })
    }

    /// The format version the runbook declares; absent means 1.
    pub fn format_version(&self) -> u8 {
        self.format.unwrap_or(1)
    }

    /// A command placeholder declared by `[[placeholders]]`.
    pub fn placeholder(&self, id: &str) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.id == id)
    }

    /// Whether `{name}` in a command is a placeholder: format 2 only (a format 1 command is
    /// text as written, braces included).
    pub fn command_placeholders(&self) -> bool {
        self.format_version() >= 2
    }

    /// The runbook steps whose commands an incident step shows: the step itself, then the
    /// steps of the sub-procedure it follows.
    pub fn command_steps<'a>(&'a self, step: &'a Step) -> Vec<&'a Step> {
        let mut out = vec![step];
        if let Some(sub) = step.procedure.as_deref().and_then(|p| self.procedure(p)) {
            out.extend(sub.steps.iter());
        }
        out
    }

    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id == id)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn function(&self, id: &str) -> Option<&BusinessFunction> {
        self.functions.iter().find(|f| f.id == id)
    }

    pub fn disaster_type(&self, id: &str) -> Option<&DisasterType> {
        self.disaster_types.iter().find(|d| d.id == id)
    }

    pub fn step(&self, id: &str) -> Option<TrackStep<'_>> {
        self.procedures.iter().find_map(|p| {
            p.steps.iter().find(|s| s.id == id).map(|step| TrackStep { procedure: p, step })
        })
    }

    /// The steps an incident of this track follows. A partial track runs its own procedure (if
    /// any) and then the procedures of the affected functions, each once, in runbook order.
    pub fn track_steps(&self, track: &Track, functions: &[String]) -> Vec<TrackStep<'_>> {
        let mut procs: Vec<&str> = Vec::new();
        if let Some(p) = &track.procedure {
            procs.push(p);
        }
        if track.kind == TrackKind::Partial {
            for f in self.functions.iter().filter(|f| functions.contains(&f.id)) {
                for p in &f.procedures {
                    if !procs.contains(&p.as_str()) {
                        procs.push(p);
                    }
                }
            }
        }
        if let Some(p) = &track.finish {
            if !procs.contains(&p.as_str()) {
                procs.push(p);
            }
        }
        procs
            .into_iter()
            .filter_map(|id| self.procedure(id))
            .flat_map(|p| p.steps.iter().map(move |step| TrackStep { procedure: p, step }))
            .collect()
    }

    /// The functions whose RTO clocks run for an incident of this track.
    pub fn timed_functions(&self, track: &Track, affected: &[String]) -> Vec<&BusinessFunction> {
        match track.kind {
            TrackKind::Maintenance => Vec::new(),
            TrackKind::Partial => {
                self.functions.iter().filter(|f| affected.contains(&f.id)).collect()
            }
            // A full DR with no functions named means the whole system is down.
            TrackKind::Full if affected.is_empty() => self.functions.iter().collect(),
            TrackKind::Full => self.functions.iter().filter(|f| affected.contains(&f.id)).collect(),
        }
    }
}

impl Step {
    pub fn alternative(&self, id: &str) -> Option<&Alternative> {
        self.alternatives.iter().find(|a| a.id == id)
    }
}
