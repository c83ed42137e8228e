//! Scenarios shipped in the binary, embedded from `runbooks/scenarios/`, and the English
//! runbook a scenario may name as `builtin-en`.

pub const EN: &str = include_str!("../../runbooks/shopping-system.en.toml");
pub const EN_NAME: &str = "<built-in shopping-system.en.toml>";

/// (name, text) of every shipped scenario, in the order `drill --list` shows them.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "mongodb-cluster-failure",
        include_str!("../../runbooks/scenarios/mongodb-cluster-failure.toml"),
    ),
    ("data-corruption-pitr", include_str!("../../runbooks/scenarios/data-corruption-pitr.toml")),
    ("security-breach", include_str!("../../runbooks/scenarios/security-breach.toml")),
    ("region-loss", include_str!("../../runbooks/scenarios/region-loss.toml")),
    ("api-outage-en", include_str!("../../runbooks/scenarios/api-outage-en.toml")),
];

/// A shipped scenario by name (with or without `.toml`).
pub fn find(name: &str) -> Option<(&'static str, &'static str)> {
    let bare = name.strip_suffix(".toml").unwrap_or(name);
    SCENARIOS.iter().copied().find(|(n, _)| *n == bare)
}
