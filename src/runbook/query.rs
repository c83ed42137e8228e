//! Look-ups over a validated runbook.

use super::model::{
    BusinessFunction, DisasterType, Level, Procedure, Role, Runbook, Step, Track, TrackKind,
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

    pub fn track_for_level(&self, n: u8) -> Option<&Track> {
        self.level(n).and_then(|l| self.track(&l.track))
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
