//! The operator's name: who is at the keyboard, as people call them ("Alice Chen", "值班-李"),
//! not the login they share on a jump host (`root`). It is chosen once per process — `--as`,
//! then `DRCONSOLE_OPERATOR`, then the config's `operator`, then the login — and stamped on
//! every event through [`super::Actor`].

use std::sync::OnceLock;

pub const ENV_OPERATOR: &str = "DRCONSOLE_OPERATOR";

/// Longest name accepted, in characters: it is shown in a header at 80 columns.
pub const MAX_CHARS: usize = 40;

/// Set once at start-up by the command layer; every [`super::Actor::from_env`] reads it. A
/// process has one operator, and the actor is built in many places (console, CLI, drills).
static CHOSEN: OnceLock<String> = OnceLock::new();

/// A person's name as typed (flag, variable, config, the hand-over dialog): trimmed, one line
/// of at most [`MAX_CHARS`] characters, nothing that could move the cursor or hide text.
pub fn check(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("a name cannot be empty".to_string());
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || crate::safe_text::is_hostile(*c)) {
        return Err(format!("a name cannot contain the character U+{:04X}", u32::from(c)));
    }
    let chars = name.chars().count();
    if chars > MAX_CHARS {
        return Err(format!("a name is at most {MAX_CHARS} characters (this one has {chars})"));
    }
    Ok(name.to_string())
}

/// Chooses the operator's name from the flag, the environment and the config (already
/// checked by the config loader), in that order. The error names where the bad name came from.
pub fn choose(flag: Option<&str>, config: Option<&str>) -> Result<Option<String>, String> {
    if let Some(f) = flag {
        return check(f).map(Some).map_err(|e| format!("--as: {e}"));
    }
    match std::env::var(ENV_OPERATOR) {
        Ok(v) => return check(&v).map(Some).map_err(|e| format!("{ENV_OPERATOR}: {e}")),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(format!("{ENV_OPERATOR}: not valid UTF-8"));
        }
        Err(std::env::VarError::NotPresent) => {}
    }
    Ok(config.map(str::to_string))
}

/// Records the chosen name for this process. Later calls change nothing.
pub fn set(name: Option<String>) {
    if let Some(n) = name {
        let _ = CHOSEN.set(n);
    }
}

/// The name chosen for this process, if one was given.
pub fn chosen() -> Option<String> {
    CHOSEN.get().cloned()
}

/// For serde: the config's `operator`, checked where it is read so the error names the file,
/// line, column and key.
pub fn deserialize_checked<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let raw: Option<String> = serde::Deserialize::deserialize(d)?;
    raw.map(|r| check(&r).map_err(serde::de::Error::custom)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check("  Alice Chen ").unwrap(), "Alice Chen");
        assert_eq!(check("值班-李").unwrap(), "值班-李");
        assert!(check("   ").unwrap_err().contains("empty"));
        assert!(check("a\u{1b}[2Jb").unwrap_err().contains("U+001B"));
        assert!(check("evil\u{202e}txt").unwrap_err().contains("U+202E"));
        assert!(check("x\ny").unwrap_err().contains("U+000A"));
        assert!(check(&"长".repeat(41)).unwrap_err().contains("41"));
        assert!(check(&"长".repeat(40)).is_ok());
    }

    #[test]
    fn the_flag_wins_and_says_where_a_bad_name_came_from() {
        assert_eq!(choose(Some("bob"), Some("carol")).unwrap().as_deref(), Some("bob"));
        assert!(choose(Some(""), None).unwrap_err().starts_with("--as: "));
    }
}
