//! Tabletop scenarios: a TOML file that names a runbook, what is declared, and a list of injects
//! at game-time offsets from T0. Read with the runbook's own `parse_toml`, so every problem is
//! `file:line:column: key: message`, then cross-checked against the runbook it names.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::key_path;
use crate::probe::Health;
use crate::runbook::duration::Dur;
use crate::runbook::load::{parse_toml, read_text};
use crate::runbook::source::{Diagnostic, KeyPath, Source};
use crate::runbook::{self, Loaded, Runbook};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScenarioFile {
    pub scenario: Scenario,
    #[serde(default)]
    pub injects: Vec<Inject>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Scenario {
    pub title: String,
    pub description: String,
    /// `builtin` (Chinese), `builtin-en`, or a runbook path relative to the scenario file.
    #[serde(default = "default_runbook")]
    pub runbook: String,
    pub disaster_type: String,
    pub level: u8,
    /// Affected business functions (default for a full DR: all).
    #[serde(default)]
    pub functions: Vec<String>,
    pub participants: Vec<String>,
    /// What the exercise is meant to show or train; read out in the briefing.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// What the players are expected to do, in words; the briefing adds the `expect` injects.
    #[serde(default)]
    pub expected_actions: Vec<String>,
    /// Whether the game clock stops while a dialog is open (a decision to discuss, a note being
    /// typed), so the exercise does not run on while people read.
    #[serde(default = "default_true")]
    pub pause_on_dialog: bool,
}

fn default_runbook() -> String {
    "builtin".to_string()
}

fn default_true() -> bool {
    true
}

/// One inject. Exactly one of `service`, `message`, `decision` or `expect` says what it is; a
/// flat table reads better in TOML than a tagged enum and gives clearer errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Inject {
    /// Game time after T0.
    pub at: Dur,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub state: Option<Health>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub expect: Option<Expect>,
}

/// What should be true by the inject's game time.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Expect {
    /// This business function is restored.
    #[serde(default)]
    pub function: Option<String>,
    /// This recovery step is done.
    #[serde(default)]
    pub step: Option<String>,
    /// This service is in `state`.
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub state: Option<Health>,
}

/// What an inject does, once checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Service { service: String, state: Health, detail: String },
    Message(String),
    Decision { prompt: String, options: Vec<String> },
    Expect(Expectation),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Expectation {
    /// `function`, `step` or `service`.
    pub kind: &'static str,
    pub target: String,
    pub state: Option<Health>,
    pub by_secs: u64,
}

impl Inject {
    /// The action of a validated inject.
    pub fn action(&self) -> Action {
        let by_secs = self.at.as_secs();
        if let (Some(service), Some(state)) = (&self.service, self.state) {
            return Action::Service {
                service: service.clone(),
                state,
                detail: self.detail.clone().unwrap_or_default(),
            };
        }
        if let Some(m) = &self.message {
            return Action::Message(m.clone());
        }
        if let Some(d) = &self.decision {
            return Action::Decision { prompt: d.clone(), options: self.options.clone() };
        }
        let e = self.expect.clone().unwrap_or(Expect {
            function: None,
            step: None,
            service: None,
            state: None,
        });
        let (kind, target) = match (e.function, e.step, e.service) {
            (Some(f), _, _) => ("function", f),
            (_, Some(s), _) => ("step", s),
            (_, _, Some(s)) => ("service", s),
            _ => ("function", String::new()),
        };
        Action::Expect(Expectation { kind, target, state: e.state, by_secs })
    }
}

/// A scenario ready to run, with the runbook it names.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    pub name: String,
    pub file: ScenarioFile,
    pub text: String,
    pub runbook: Loaded,
}

/// Where a scenario's text comes from: a file on disk or one shipped in the binary.
pub enum Origin<'a> {
    File(&'a Path),
    Shipped,
}

/// Parse, resolve the runbook (unless `runbook_override` gives one) and cross-check.
pub fn from_text(
    name: &str,
    text: &str,
    origin: Origin,
    runbook_override: Option<&Path>,
) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let file: ScenarioFile = match parse_toml(name, text) {
        Ok(f) => f,
        Err(d) => {
            // Serde would report `[[scenario]]` as a string expected somewhere inside it.
            if let Ok(src) = Source::parse(name, text) {
                let path = key_path!["scenario"];
                if src.is_array(&path) {
                    return Err(vec![src.at_path(
                        &path,
                        "must be a table, not an array: write [scenario], not [[scenario]]",
                    )]);
                }
            }
            return Err(vec![d]);
        }
    };
    let source = Source::parse(name, text).map_err(|d| vec![d])?;
    let rb = match runbook_override {
        Some(p) => runbook::load(Some(p))?,
        None => resolve_runbook(&file.scenario.runbook, &origin)
            .map_err(|msg| vec![source.at_path(&key_path!["scenario", "runbook"], msg)])??,
    };
    let problems = validate(&file, &rb.runbook, &source);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(LoadedScenario { name: name.to_string(), file, text: text.to_string(), runbook: rb })
}

/// Read a scenario file from disk.
pub fn load(
    path: &Path,
    runbook_override: Option<&Path>,
) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let text = read_text(path, &name).map_err(|d| vec![d])?;
    from_text(&name, &text, Origin::File(path), runbook_override)
}

type RunbookResult = Result<Loaded, Vec<Diagnostic>>;

fn resolve_runbook(spec: &str, origin: &Origin) -> Result<RunbookResult, String> {
    match spec {
        "builtin" => Ok(runbook::load::builtin()),
        "builtin-en" => Ok(runbook::load::from_text(super::builtin::EN_NAME, super::builtin::EN)),
        rel => match origin {
            Origin::Shipped => Err(format!(
                "a shipped scenario must name runbook \"builtin\" or \"builtin-en\", not \"{rel}\""
            )),
            Origin::File(p) => {
                let base: PathBuf = p.parent().map(Path::to_path_buf).unwrap_or_default();
                let path = base.join(rel);
                if !path.is_file() {
                    return Err(format!(
                        "runbook \"{rel}\" not found (looked for {}); write \"builtin\", \
                         \"builtin-en\" or a path relative to the scenario file",
                        path.display()
                    ));
                }
                Ok(runbook::load(Some(&path)))
            }
        },
    }
}

fn validate(f: &ScenarioFile, rb: &Runbook, src: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut err = |path: KeyPath, msg: String| out.push(src.at_path(&path, msg));
    let s = &f.scenario;
    let list = |ids: Vec<&str>| ids.join(", ");
    if s.title.trim().is_empty() {
        err(key_path!["scenario", "title"], "the title is empty".to_string());
    }
    if s.participants.is_empty() {
        err(key_path!["scenario", "participants"], "name at least one participant".to_string());
    }
    if rb.disaster_type(&s.disaster_type).is_none() {
        err(
            key_path!["scenario", "disaster-type"],
            format!(
                "'{}' is not a disaster type of runbook '{}'; one of: {}",
                s.disaster_type,
                rb.plan.name,
                list(rb.disaster_types.iter().map(|d| d.id.as_str()).collect())
            ),
        );
    }
    let track = rb.track_for(&s.disaster_type, s.level);
    if track.is_none() {
        err(
            key_path!["scenario", "level"],
            format!(
                "level {} is not a level of the runbook; one of: {}",
                s.level,
                rb.levels.iter().map(|l| l.level.to_string()).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    for (i, fid) in s.functions.iter().enumerate() {
        if rb.function(fid).is_none() {
            err(
                key_path!["scenario", "functions", i],
                format!(
                    "'{fid}' is not a business function; one of: {}",
                    list(rb.functions.iter().map(|f| f.id.as_str()).collect())
                ),
            );
        }
    }
    let partial = track.is_some_and(|t| t.kind == runbook::model::TrackKind::Partial);
    if partial && s.functions.is_empty() {
        err(
            key_path!["scenario", "functions"],
            format!("level {} is a partial DR: name the affected functions", s.level),
        );
    }
    let track_steps: Vec<String> = track
        .map(|t| rb.track_steps(t, &s.functions).iter().map(|ts| ts.step.id.clone()).collect())
        .unwrap_or_default();
    let service_known = |id: &str| rb.services.iter().any(|x| x.id == id);
    let services = || list(rb.services.iter().map(|x| x.id.as_str()).collect());
    let mut last = std::time::Duration::ZERO;
    for (i, inj) in f.injects.iter().enumerate() {
        let at = |k: &str| key_path!["injects", i, k];
        if inj.at.0 < last {
            err(
                at("at"),
                format!(
                    "injects must be in time order: {} comes after an inject at {}",
                    inj.at,
                    Dur(last)
                ),
            );
        }
        last = last.max(inj.at.0);
        let kinds = [
            inj.service.is_some(),
            inj.message.is_some(),
            inj.decision.is_some(),
            inj.expect.is_some(),
        ];
        match kinds.iter().filter(|k| **k).count() {
            0 => err(
                key_path!["injects", i],
                "an inject needs one of service, message, decision or expect".to_string(),
            ),
            1 => {}
            _ => err(
                key_path!["injects", i],
                "an inject does one thing: give only one of service, message, decision or expect"
                    .to_string(),
            ),
        }
        if let Some(svc) = &inj.service {
            if !service_known(svc) {
                err(
                    at("service"),
                    format!("'{svc}' is not a service of the runbook; one of: {}", services()),
                );
            }
            if inj.state.is_none() {
                err(at("state"), "required key is missing".to_string());
            }
        } else {
            if inj.state.is_some() {
                err(at("state"), "state goes with service".to_string());
            }
            if inj.detail.is_some() {
                err(at("detail"), "detail goes with service".to_string());
            }
        }
        if let Some(m) = &inj.message {
            if m.trim().is_empty() {
                err(at("message"), "the message is empty".to_string());
            }
        }
        if inj.decision.is_some() && inj.options.len() < 2 {
            err(at("options"), "a decision needs at least two options".to_string());
        }
        if inj.decision.is_none() && !inj.options.is_empty() {
            err(at("options"), "options go with decision".to_string());
        }
        if let Some(e) = &inj.expect {
            let ex = |k: &str| key_path!["injects", i, "expect", k];
            let n = [e.function.is_some(), e.step.is_some(), e.service.is_some()]
                .iter()
                .filter(|x| **x)
                .count();
            if n != 1 {
                err(
                    key_path!["injects", i, "expect"],
                    "an expectation names exactly one of function, step or service".to_string(),
                );
            }
            if let Some(fid) = &e.function {
                if rb.function(fid).is_none() {
                    err(
                        ex("function"),
                        format!(
                            "'{fid}' is not a business function; one of: {}",
                            list(rb.functions.iter().map(|f| f.id.as_str()).collect())
                        ),
                    );
                }
            }
            if let Some(step) = &e.step {
                if !track_steps.contains(step) {
                    err(
                        ex("step"),
                        format!(
                            "step '{step}' is not on the track level {} runs; one of: {}",
                            s.level,
                            track_steps.join(", ")
                        ),
                    );
                }
            }
            if let Some(svc) = &e.service {
                if !service_known(svc) {
                    err(
                        ex("service"),
                        format!("'{svc}' is not a service of the runbook; one of: {}", services()),
                    );
                }
                if e.state.is_none() {
                    err(ex("state"), "required key is missing".to_string());
                }
            } else if e.state.is_some() {
                err(ex("state"), "state goes with service".to_string());
            }
        }
    }
    out
}

/// Whether a TOML text is a scenario rather than a runbook: it has a top-level `[scenario]`
/// table. Looked up in the parsed text, or line by line when the text does not parse, so a
/// broken scenario still gets scenario-shaped errors.
pub fn looks_like_scenario(text: &str) -> bool {
    match toml::from_str::<toml::Table>(text) {
        Ok(t) => t.contains_key("scenario"),
        Err(_) => text.lines().any(|l| l.trim() == "[scenario]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_told_from_runbooks() {
        assert!(looks_like_scenario("[scenario]\ntitle = \"x\"\n"));
        assert!(looks_like_scenario("[[scenario]]\ntitle = \"x\"\n"));
        // Broken TOML still counts when the header is there.
        assert!(looks_like_scenario("[scenario]\ntitle = \"x\n"));
        assert!(!looks_like_scenario("[plan]\nname = \"x\"\n"));
        assert!(!looks_like_scenario("[plan]\nname = \"[scenario]\"\n"));
    }

    #[test]
    fn an_inject_says_what_it_does() {
        let text = "[scenario]\ntitle = \"t\"\ndescription = \"d\"\ndisaster-type = \
                    \"database-failure\"\nlevel = 3\nparticipants = [\"a\"]\n\n[[injects]]\nat = \
                    \"2m\"\nservice = \"mongodb\"\nstate = \"DOWN\"\n\n[[injects]]\nat = \"4h\"\n\
                    expect = { function = \"checkout\" }\n";
        let sc = from_text("t.toml", text, Origin::Shipped, None).map_err(|d| d[0].to_string());
        let sc = match sc {
            Ok(sc) => sc,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            sc.file.injects[0].action(),
            Action::Service {
                service: "mongodb".into(),
                state: Health::Down,
                detail: String::new()
            }
        );
        assert_eq!(
            sc.file.injects[1].action(),
            Action::Expect(Expectation {
                kind: "function",
                target: "checkout".into(),
                state: None,
                by_secs: 4 * 3600
            })
        );
    }
}
