//! Malformed runbooks: `drconsole check` refuses each with exit code 2 and one exact, located
//! first line, and nothing in the loader panics on any input.
//!
//! Each fixture in `tests/fixtures/bad-runbooks/` is the same small valid runbook with one
//! defect (the text files) or is not a runbook at all (empty, whitespace, binary).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use proptest::prelude::*;

use drconsole::runbook::load::{from_text, MAX_FILE_BYTES};

const FIXTURES: &str = "tests/fixtures/bad-runbooks";

/// Fixture name -> the exact first line `drconsole check` prints to stderr.
const EXPECTED: &[(&str, &str)] = &[
    (
        "v1-level-without-track",
        r#"error: tests/fixtures/bad-runbooks/v1-level-without-track.toml:70:1: levels[0].track: required key is missing"#,
    ),
    (
        "v2-alternative-duplicate-id",
        r#"error: tests/fixtures/bad-runbooks/v2-alternative-duplicate-id.toml:150:6: procedures[1].steps[0].alternatives[1].id: step 'db-restore' has two alternatives with the id 'dump'"#,
    ),
    (
        "v2-alternative-no-commands",
        r#"error: tests/fixtures/bad-runbooks/v2-alternative-no-commands.toml:149:1: procedures[1].steps[0].alternatives[1]: alternative 'pitr' of step 'db-restore' has no commands; write its [[procedures.steps.alternatives.commands]]"#,
    ),
    (
        "v2-alternatives-without-format",
        r#"error: tests/fixtures/bad-runbooks/v2-alternatives-without-format.toml:140:1: procedures[1].steps[0].alternatives: a step's `alternatives` is a format 2 key; write `format = 2` at the top of the file"#,
    ),
    (
        "v2-placeholder-bad-id",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholder-bad-id.toml:170:6: placeholders[0].id: placeholder id 'Collection' must start with a lowercase letter and hold only lowercase letters, digits and '-'"#,
    ),
    (
        "v2-placeholder-bad-pattern",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholder-bad-pattern.toml:172:11: placeholders[0].pattern: placeholder 'collection': the pattern is not a regular expression: unclosed character class"#,
    ),
    (
        "v2-placeholder-duplicate-id",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholder-duplicate-id.toml:175:6: placeholders[1].id: duplicate placeholder id 'collection'"#,
    ),
    (
        "v2-placeholder-undeclared",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholder-undeclared.toml:143:60: procedures[1].steps[0].commands[0].run: step 'db-restore' uses placeholder {collection}, which no [[placeholders]] entry declares"#,
    ),
    (
        "v2-placeholder-undeclared-escaped",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholder-undeclared-escaped.toml:143:63: procedures[1].steps[0].commands[0].run: step 'db-restore' uses placeholder {collection}, which no [[placeholders]] entry declares"#,
    ),
    (
        "v2-placeholders-without-format",
        r#"error: tests/fixtures/bad-runbooks/v2-placeholders-without-format.toml:168:1: placeholders: `[[placeholders]]` is a format 2 key; write `format = 2` at the top of the file"#,
    ),
    (
        "v2-format-unknown",
        r#"error: tests/fixtures/bad-runbooks/v2-format-unknown.toml:1:10: format: format 3 is not known; this drconsole reads formats 1 and 2"#,
    ),
    (
        "v2-key-without-format",
        r#"error: tests/fixtures/bad-runbooks/v2-key-without-format.toml:41:9: disaster-types[0].track: a disaster type's `track` is a format 2 key; write `format = 2` at the top of the file"#,
    ),
    (
        "v2-level-duplicate-label",
        r#"error: tests/fixtures/bad-runbooks/v2-level-duplicate-label.toml:89:9: levels[1].label: duplicate level label 'P1'"#,
    ),
    (
        "v2-level-empty-label",
        r#"error: tests/fixtures/bad-runbooks/v2-level-empty-label.toml:79:9: levels[0].label: level 2 has an empty label"#,
    ),
    (
        "v2-level-label-number",
        r#"error: tests/fixtures/bad-runbooks/v2-level-label-number.toml:79:9: levels[0].label: invalid type: integer `1`, expected a string"#,
    ),
    (
        "v2-level-unknown-escalation-role",
        r#"error: tests/fixtures/bad-runbooks/v2-level-unknown-escalation-role.toml:79:30: levels[0].escalation[1]: level 2 names role 'cto', which [roles] does not define"#,
    ),
    (
        "v2-level-without-track",
        r#"error: tests/fixtures/bad-runbooks/v2-level-without-track.toml:71:1: levels[0]: level 2 names no track and disaster type 'database-failure' names none either; give one of them a track"#,
    ),
    (
        "v2-level-zero-respond-within",
        r#"error: tests/fixtures/bad-runbooks/v2-level-zero-respond-within.toml:79:18: levels[0].respond-within: level 2 has a zero response time"#,
    ),
    (
        "v2-procedure-zero-every",
        r#"error: tests/fixtures/bad-runbooks/v2-procedure-zero-every.toml:134:9: procedures[1].every: procedure 'restore-db' has a zero cadence"#,
    ),
    (
        "v2-scenario-symptoms-string",
        r#"error: tests/fixtures/bad-runbooks/v2-scenario-symptoms-string.toml:42:12: disaster-types[0].symptoms: invalid type: string "writes fail", expected an array"#,
    ),
    (
        "v2-scenario-unknown-function",
        r#"error: tests/fixtures/bad-runbooks/v2-scenario-unknown-function.toml:42:26: disaster-types[0].functions[1]: disaster type 'database-failure' names function 'search', which [functions] does not define"#,
    ),
    (
        "v2-scenario-unknown-track",
        r#"error: tests/fixtures/bad-runbooks/v2-scenario-unknown-track.toml:42:9: disaster-types[0].track: disaster type 'database-failure' names track 'failover', which [tracks] does not define"#,
    ),
    (
        "v2-scenario-zero-rto",
        r#"error: tests/fixtures/bad-runbooks/v2-scenario-zero-rto.toml:42:7: disaster-types[0].rto: disaster type 'database-failure' has a zero RTO"#,
    ),
    (
        "v2-step-zero-wait",
        r#"error: tests/fixtures/bad-runbooks/v2-step-zero-wait.toml:139:8: procedures[1].steps[0].wait: step 'db-restore' has a zero wait"#,
    ),
    (
        "v2-step-wait-not-a-duration",
        r#"error: tests/fixtures/bad-runbooks/v2-step-wait-not-a-duration.toml:139:8: procedures[1].steps[0].wait: "until the TTL is over" is not a duration; write it like "4h", "30m" or "1h30m""#,
    ),
    (
        "v2-step-wait-on-closing-step",
        r#"error: tests/fixtures/bad-runbooks/v2-step-wait-on-closing-step.toml:127:8: procedures[0].steps[3].wait: step 'declare-complete' closes the incident and has a wait: the wait would hold the close; put the wait on a step before it"#,
    ),
    (
        "v2-step-wait-without-format",
        r#"error: tests/fixtures/bad-runbooks/v2-step-wait-without-format.toml:138:8: procedures[1].steps[0].wait: a step's `wait` is a format 2 key; write `format = 2` at the top of the file"#,
    ),
    (
        "command-as-string",
        r#"error: tests/fixtures/bad-runbooks/command-as-string.toml:139:13: procedures[1].steps[0].commands[0]: a command is a table with a label, not a string: write { label = "…", run = "…" }"#,
    ),
    (
        "steps-before-procedures",
        r#"error: tests/fixtures/bad-runbooks/steps-before-procedures.toml:100:1: procedures.steps[0]: [[procedures.steps]] comes before any [[procedures]]; write the [[procedures]] it belongs to above it"#,
    ),
    (
        "quote-clash-in-run",
        r#"error: tests/fixtures/bad-runbooks/quote-clash-in-run.toml:142:27: procedures[1].steps[0].commands[0].run: this " ends the string early; write the value as '''…''' so that it may hold " quotes, or escape each as \""#,
    ),
    (
        "backslash-continuation",
        r#"error: tests/fixtures/bad-runbooks/backslash-continuation.toml:142:44: procedures[1].steps[0].commands[0].run: a "…" string cannot go on to the next line with \; write a multi-line string """…""" (a \ at a line end there joins the lines) or '''…'''"#,
    ),
    (
        "availability-100",
        r#"error: tests/fixtures/bad-runbooks/availability-100.toml:9:23: plan.availability-target: availability target 100% must be above 0% and below 100%"#,
    ),
    (
        "availability-abc",
        r#"error: tests/fixtures/bad-runbooks/availability-abc.toml:9:23: plan.availability-target: "abc" is not a percentage; write it like "99.9%""#,
    ),
    (
        "availability-number",
        r#"error: tests/fixtures/bad-runbooks/availability-number.toml:9:23: plan.availability-target: availability target 120% must be above 0% and below 100%"#,
    ),
    (
        "bad-env-name",
        r#"error: tests/fixtures/bad-runbooks/bad-env-name.toml:21:10: services[0].target: service 'mongodb': "MONGODB-URI" is not an environment variable name"#,
    ),
    (
        "bad-env-reference",
        r#"error: tests/fixtures/bad-runbooks/bad-env-reference.toml:21:10: services[0].target: service 'mongodb': "${MONGODB_URI}" is not a reference this tool knows; write ${env:NAME}"#,
    ),
    (
        "bad-http-method",
        r#"error: tests/fixtures/bad-runbooks/bad-http-method.toml:33:10: services[1].method: service 'api': method 'FETCH' is not one of GET, HEAD, POST, PUT, OPTIONS"#,
    ),
    (
        "bad-http-target",
        r#"error: tests/fixtures/bad-runbooks/bad-http-target.toml:29:10: services[1].target: service 'api' needs an http:// or https:// URL, not "127.0.0.1:8080/health""#,
    ),
    (
        "bad-id-format",
        r#"error: tests/fixtures/bad-runbooks/bad-id-format.toml:57:6: roles[1].id: role id 'Database_Specialist' must be lowercase letters, digits and '-'"#,
    ),
    (
        "bad-level-number",
        r#"error: tests/fixtures/bad-runbooks/bad-level-number.toml:71:9: levels[0].level: level 0 must be between 1 and 9"#,
    ),
    (
        "bad-mongodb-target",
        r#"error: tests/fixtures/bad-runbooks/bad-mongodb-target.toml:21:10: services[0].target: service 'mongodb' needs a mongodb:// or mongodb+srv:// URI, not "127.0.0.1:27017""#,
    ),
    (
        "bad-status-code",
        r#"error: tests/fixtures/bad-runbooks/bad-status-code.toml:32:23: services[1].expect-status[1]: service 'api': 999 is not an HTTP status code"#,
    ),
    (
        "bad-tcp-target",
        r#"error: tests/fixtures/bad-runbooks/bad-tcp-target.toml:29:10: services[1].target: service 'api' needs host:port, not "127.0.0.1:http""#,
    ),
    (
        "bidi-override-in-title",
        r#"error: tests/fixtures/bad-runbooks/bidi-override-in-title.toml:137:18: procedures[1].steps[0].title: text holds the bidirectional formatting character \u{202e} (U+202E), which could hide or reorder what a terminal shows; remove it"#,
    ),
    (
        "binary-invalid-utf8",
        r#"error: tests/fixtures/bad-runbooks/binary-invalid-utf8.toml:59:12: roles[1].person: binary data: byte 1140 (0xFF) is not UTF-8 text"#,
    ),
    (
        "binary-nul",
        r#"error: tests/fixtures/bad-runbooks/binary-nul.toml:4:13: plan.name: binary data: control character U+0000 is not TOML text"#,
    ),
    (
        "binary-random",
        r#"error: tests/fixtures/bad-runbooks/binary-random.toml:1:1: binary data: byte 0 (0x89) is not UTF-8 text"#,
    ),
    (
        "comments-only",
        r#"error: tests/fixtures/bad-runbooks/comments-only.toml:1:1: plan: required key is missing"#,
    ),
    (
        "control-escape-in-command",
        r#"error: tests/fixtures/bad-runbooks/control-escape-in-command.toml:142:12: procedures[1].steps[0].commands[0].run: text holds the control character \r (U+000D), which could hide or reorder what a terminal shows; remove it"#,
    ),
    (
        "dangling-checklist",
        r#"error: tests/fixtures/bad-runbooks/dangling-checklist.toml:116:13: procedures[0].steps[1].checklist: step 'restore-database' names checklist 'data-restore', which [checklists] does not define"#,
    ),
    (
        "dangling-component-service",
        r#"error: tests/fixtures/bad-runbooks/dangling-component-service.toml:14:24: components[0].services[1]: component 'database' names service 'atlas', which [services] does not define"#,
    ),
    (
        "dangling-disaster-contact",
        r#"error: tests/fixtures/bad-runbooks/dangling-disaster-contact.toml:40:22: disaster-types[0].contacts[1]: disaster type 'database-failure' names contact 'legal', which [contacts] does not define"#,
    ),
    (
        "dangling-function-procedure",
        r#"error: tests/fixtures/bad-runbooks/dangling-function-procedure.toml:48:29: functions[0].procedures[1]: function 'checkout' names procedure 'restore-app', which [procedures] does not define"#,
    ),
    (
        "dangling-function-service",
        r#"error: tests/fixtures/bad-runbooks/dangling-function-service.toml:47:20: functions[0].services[1]: function 'checkout' names service 'mongo', which [services] does not define"#,
    ),
    (
        "dangling-level-track",
        r#"error: tests/fixtures/bad-runbooks/dangling-level-track.toml:85:9: levels[1].track: level 3 names track 'full', which [tracks] does not define"#,
    ),
    (
        "dangling-on-fail",
        r#"error: tests/fixtures/bad-runbooks/dangling-on-fail.toml:122:11: procedures[0].steps[2].on-fail: step 'integration-test' names procedure 'adjust-recovery', which [procedures] does not define"#,
    ),
    (
        "dangling-role",
        r#"error: tests/fixtures/bad-runbooks/dangling-role.toml:138:9: procedures[1].steps[0].owner: step 'db-restore' names role 'dba', which [roles] does not define"#,
    ),
    (
        "dangling-service-component",
        r#"error: tests/fixtures/bad-runbooks/dangling-service-component.toml:20:13: services[0].component: service 'mongodb' names component 'db', which [components] does not define"#,
    ),
    (
        "dangling-sub-procedure",
        r#"error: tests/fixtures/bad-runbooks/dangling-sub-procedure.toml:115:13: procedures[0].steps[1].procedure: step 'restore-database' names procedure 'restore-database', which [procedures] does not define"#,
    ),
    (
        "dangling-track-finish",
        r#"error: tests/fixtures/bad-runbooks/dangling-track-finish.toml:92:10: tracks[0].finish: track 'partial-dr' names procedure 'partial-close', which [procedures] does not define"#,
    ),
    (
        "dangling-track-procedure",
        r#"error: tests/fixtures/bad-runbooks/dangling-track-procedure.toml:98:13: tracks[1].procedure: track 'full-dr' names procedure 'full-restore', which [procedures] does not define"#,
    ),
    (
        "deeply-nested-arrays",
        r#"error: tests/fixtures/bad-runbooks/deeply-nested-arrays.toml:1:42: matrix: nesting deeper than 32 levels"#,
    ),
    (
        "duplicate-form-field",
        r#"error: tests/fixtures/bad-runbooks/duplicate-form-field.toml:195:10: forms.record.fields[1].id: duplicate record field 'date-time'"#,
    ),
    (
        "duplicate-level",
        r#"error: tests/fixtures/bad-runbooks/duplicate-level.toml:80:9: levels[1].level: duplicate level 2"#,
    ),
    (
        "duplicate-role-id",
        r#"error: tests/fixtures/bad-runbooks/duplicate-role-id.toml:57:6: roles[1].id: duplicate role id 'coordinator'"#,
    ),
    (
        "duplicate-service-id",
        r#"error: tests/fixtures/bad-runbooks/duplicate-service-id.toml:26:6: services[1].id: duplicate service id 'mongodb'"#,
    ),
    (
        "duplicate-step-id-across-procedures",
        r#"error: tests/fixtures/bad-runbooks/duplicate-step-id-across-procedures.toml:136:6: procedures[1].steps[0].id: duplicate step id 'restore-database'"#,
    ),
    (
        "duplicate-toml-key",
        r#"error: tests/fixtures/bad-runbooks/duplicate-toml-key.toml:32:1: services[1].timeout: duplicate key"#,
    ),
    (
        "duration-without-unit-string",
        r#"error: tests/fixtures/bad-runbooks/duration-without-unit-string.toml:30:12: services[1].interval: duration "15" has no unit; write it like "15s", "15m" or "15h""#,
    ),
    ("empty-file", r#"error: tests/fixtures/bad-runbooks/empty-file.toml:1:1: file is empty"#),
    (
        "empty-services",
        r#"error: tests/fixtures/bad-runbooks/empty-services.toml:1:12: services: [services] must not be empty"#,
    ),
    (
        "empty-step-list",
        r#"error: tests/fixtures/bad-runbooks/empty-step-list.toml:147:9: procedures[2].steps: procedure 'adjust' has no steps"#,
    ),
    (
        "full-track-without-procedure",
        r#"error: tests/fixtures/bad-runbooks/full-track-without-procedure.toml:94:1: tracks[1]: track 'full-dr' needs a procedure; only a partial track may leave it out"#,
    ),
    (
        "inline-password",
        r#"error: tests/fixtures/bad-runbooks/inline-password.toml:21:10: services[0].target: service 'mongodb' writes a password inline; reference it instead, e.g. "${env:MONGODB_URI}""#,
    ),
    (
        "level-out-of-range",
        r#"error: tests/fixtures/bad-runbooks/level-out-of-range.toml:71:9: levels[0].level: invalid value: integer `300`, expected an integer from 0 to 255"#,
    ),
    (
        "missing-required-key",
        r#"error: tests/fixtures/bad-runbooks/missing-required-key.toml:118:1: procedures[0].steps[2].title: required key is missing"#,
    ),
    (
        "missing-required-section",
        r#"error: tests/fixtures/bad-runbooks/missing-required-section.toml:191:2: forms.test-report: required key is missing"#,
    ),
    (
        "multi-line-id",
        r#"error: tests/fixtures/bad-runbooks/multi-line-id.toml:26:6: services[1].id: service id 'api\nv2' must be lowercase letters, digits and '-'"#,
    ),
    (
        "duration-over-ten-years",
        r#"error: tests/fixtures/bad-runbooks/duration-over-ten-years.toml:77:16: levels[0].update-every: duration "100000000y" is over 10 years; no recovery plan counts that far (a typo?)"#,
    ),
    (
        "negative-duration",
        r#"error: tests/fixtures/bad-runbooks/negative-duration.toml:31:11: services[1].timeout: duration "-5s" is negative"#,
    ),
    (
        "status-code-out-of-range",
        r#"error: tests/fixtures/bad-runbooks/status-code-out-of-range.toml:32:23: services[1].expect-status[1]: invalid value: integer `70000`, expected an integer from 0 to 65535"#,
    ),
    (
        "sub-procedure-is-itself",
        r#"error: tests/fixtures/bad-runbooks/sub-procedure-is-itself.toml:115:13: procedures[0].steps[1].procedure: step 'restore-database' names its own procedure 'full-recovery' as a sub-procedure"#,
    ),
    (
        "template-bad-placeholder",
        r#"error: tests/fixtures/bad-runbooks/template-bad-placeholder.toml:172:61: templates[0].body: template 'user-outage': '{Expected Time}' is not a placeholder; write {field-id}"#,
    ),
    (
        "template-unclosed-placeholder",
        r#"error: tests/fixtures/bad-runbooks/template-unclosed-placeholder.toml:172:61: templates[0].body: template 'user-outage': '{expected-recovery-time.' is never closed; write {field-id}"#,
    ),
    (
        "template-unknown-placeholder",
        r#"error: tests/fixtures/bad-runbooks/template-unknown-placeholder.toml:173:48: templates[0].body: template 'user-outage' uses placeholder {hotline}, which no [[fields]] entry provides"#,
    ),
    (
        "toml-bare-duration",
        r#"error: tests/fixtures/bad-runbooks/toml-bare-duration.toml:7:7: plan.rpo: string values must be quoted, expected literal string"#,
    ),
    (
        "toml-syntax-error",
        r#"error: tests/fixtures/bad-runbooks/toml-syntax-error.toml:4:21: plan.name: invalid basic string, expected `"`"#,
    ),
    (
        "unclosed-env-reference",
        r#"error: tests/fixtures/bad-runbooks/unclosed-env-reference.toml:21:10: services[0].target: service 'mongodb': unclosed "${" in target "${env:MONGODB_URI""#,
    ),
    (
        "unknown-enum-value",
        r#"error: tests/fixtures/bad-runbooks/unknown-enum-value.toml:28:8: services[1].kind: unknown value `redis`, expected one of `mongodb`, `http`, `tcp`, `command`"#,
    ),
    (
        "unknown-form-field",
        r#"error: tests/fixtures/bad-runbooks/unknown-form-field.toml:200:18: forms.report.fields[0].id: the report form has no field 'root-causes'; known fields: date-time, duration, impact-scope, direct-cause, root-cause, contributing-factors, actual-rto, actual-rpo, problems, successes, improvements, action-plan, approver, approval-date"#,
    ),
    (
        "unknown-key-in-forms",
        r#"error: tests/fixtures/bad-runbooks/unknown-key-in-forms.toml:191:8: forms.recrd: unknown key `recrd`, expected one of `record`, `report`, `test-report`"#,
    ),
    (
        "unknown-key-in-inline-table",
        r#"error: tests/fixtures/bad-runbooks/unknown-key-in-inline-table.toml:204:28: forms.test-report.fields[0].lable: unknown key `lable`, expected `id` or `label`"#,
    ),
    (
        "unknown-key-in-plan",
        r#"error: tests/fixtures/bad-runbooks/unknown-key-in-plan.toml:9:1: plan.mtta: unknown key `mtta`, expected one of `name`, `system`, `language`, `version`, `rpo`, `rto`, `availability-target`, `objectives`"#,
    ),
    (
        "unknown-key-nested",
        r#"error: tests/fixtures/bad-runbooks/unknown-key-nested.toml:121:1: procedures[0].steps[2].retries: unknown key `retries`, expected one of `id`, `title`, `owner`, `detail`, `items`, `checklist`, `procedure`, `commands`, `alternatives`, `on-fail`, `completes-recovery`, `wait`"#,
    ),
    (
        "unknown-key-top-level",
        r#"error: tests/fixtures/bad-runbooks/unknown-key-top-level.toml:1:1: owner: unknown key `owner`, expected one of `format`, `plan`, `components`, `services`, `disaster-types`, `functions`, `roles`, `contacts`, `backups`, `levels`, `tracks`, `procedures`, `checklists`, `notifications`, `templates`, `fields`, `placeholders`, `forms`, `exercises`, `references`"#,
    ),
    (
        "unknown-language",
        r#"error: tests/fixtures/bad-runbooks/unknown-language.toml:6:12: plan.language: unknown value `fr`, expected `zh` or `en`"#,
    ),
    (
        "unknown-section",
        r#"error: tests/fixtures/bad-runbooks/unknown-section.toml:163:3: checklist: unknown key `checklist`, expected one of `format`, `plan`, `components`, `services`, `disaster-types`, `functions`, `roles`, `contacts`, `backups`, `levels`, `tracks`, `procedures`, `checklists`, `notifications`, `templates`, `fields`, `placeholders`, `forms`, `exercises`, `references`"#,
    ),
    (
        "unparsable-duration",
        r#"error: tests/fixtures/bad-runbooks/unparsable-duration.toml:8:7: plan.rto: "eight hours" is not a duration; write it like "4h", "30m" or "1h30m""#,
    ),
    (
        "whitespace-only",
        r#"error: tests/fixtures/bad-runbooks/whitespace-only.toml:1:1: file is empty"#,
    ),
    (
        "wrong-type-array-for-table",
        r#"error: tests/fixtures/bad-runbooks/wrong-type-array-for-table.toml:191:1: forms.record: must be a table, not an array: write [forms.record], not [[forms.record]]"#,
    ),
    (
        "wrong-type-bool",
        r#"error: tests/fixtures/bad-runbooks/wrong-type-bool.toml:128:22: procedures[0].steps[3].completes-recovery: invalid type: string "yes", expected true or false"#,
    ),
    (
        "wrong-type-integer-for-duration",
        r#"error: tests/fixtures/bad-runbooks/wrong-type-integer-for-duration.toml:8:7: plan.rto: duration 8 has no unit; write it as a string like "8m" or "8h""#,
    ),
    (
        "wrong-type-string-for-array",
        r#"error: tests/fixtures/bad-runbooks/wrong-type-string-for-array.toml:47:12: functions[0].services: invalid type: string "api", expected an array"#,
    ),
    (
        "wrong-type-string-for-integer",
        r#"error: tests/fixtures/bad-runbooks/wrong-type-string-for-integer.toml:39:12: disaster-types[0].priority: invalid type: string "1", expected an integer from 0 to 255"#,
    ),
    (
        "zero-duration",
        r#"error: tests/fixtures/bad-runbooks/zero-duration.toml:46:16: functions[0].max-downtime: function 'checkout' has a zero maximum downtime"#,
    ),
    (
        "zero-fall",
        r#"error: tests/fixtures/bad-runbooks/zero-fall.toml:33:8: services[1].fall: service 'api': fall must be at least 1"#,
    ),
    (
        "zero-rto",
        r#"error: tests/fixtures/bad-runbooks/zero-rto.toml:8:7: plan.rto: the overall RTO must be longer than zero"#,
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `drconsole check FILE` from `cwd` with every configuration and data location pointed at
/// an empty folder, which must still be empty afterwards.
fn check(cwd: &Path, file: &str) -> Output {
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("drconsole")
        .unwrap()
        .args(["check", file])
        .current_dir(cwd)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("DRCONSOLE_DATA", home.path())
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let written: Vec<_> = std::fs::read_dir(home.path()).unwrap().collect();
    assert!(written.is_empty(), "check {file} wrote {written:?}");
    out
}

/// Everything that must hold for a refused file; returns a description of what did not.
fn refused_with(out: &Output, file: &str, first_line: &str) -> Result<(), String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if !out.stdout.is_empty() {
        problems.push(format!("stdout: {}", String::from_utf8_lossy(&out.stdout)));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("panicked".to_string());
    }
    let got = stderr.lines().next().unwrap_or("");
    if got != first_line {
        problems.push(format!("first line\n     got: {got}\n    want: {first_line}"));
    }
    let summary = format!("{file}: ");
    if !stderr.lines().last().is_some_and(|l| l.starts_with(&summary) && l.ends_with("problem(s)"))
    {
        problems.push(format!("no summary line for {file}:\n{stderr}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

#[test]
fn every_fixture_has_an_expected_line_and_every_line_a_fixture() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join(FIXTURES))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(n, _)| format!("{n}.toml")).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 30, "only {} fixtures", listed.len());
}

#[test]
fn check_refuses_each_bad_runbook_with_its_exact_first_line() {
    let mut failures = Vec::new();
    for (name, want) in EXPECTED {
        let file = format!("{FIXTURES}/{name}.toml");
        let before = std::fs::read(root().join(&file)).unwrap();
        let out = check(&root(), &file);
        if let Err(e) = refused_with(&out, &file, want) {
            failures.push(format!("{name}:\n  {e}"));
        }
        assert_eq!(std::fs::read(root().join(&file)).unwrap(), before, "{file} was modified");
    }
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Every kind of reference (one row each of the table in `src/runbook/references.rs`) named
/// wrong in one file: every problem reported, each with its exact message, in file order. At
/// `disaster-types[0].track` two problems share one place; the format 2 key comes first.
#[test]
fn every_kind_of_dangling_reference_is_reported_in_file_order() {
    let file = "tests/fixtures/runbook-every-reference.toml";
    let out = check(&root(), file);
    let want: Vec<String> = [
        "16:24: components[0].services[1]: component 'database' names service 'nope-svc', which [services] does not define",
        "22:13: services[0].component: service 'mongodb' names component 'nope-comp', which [components] does not define",
        "42:22: disaster-types[0].contacts[1]: disaster type 'database-failure' names contact 'nope-contact', which [contacts] does not define",
        "43:9: disaster-types[0].track: a disaster type's `track` is a format 2 key; write `format = 2` at the top of the file",
        "43:9: disaster-types[0].track: disaster type 'database-failure' names track 'nope-track', which [tracks] does not define",
        "44:13: disaster-types[0].functions: a disaster type's `functions` is a format 2 key; write `format = 2` at the top of the file",
        "44:14: disaster-types[0].functions[0]: disaster type 'database-failure' names function 'nope-fn', which [functions] does not define",
        "51:20: functions[0].services[1]: function 'checkout' names service 'nope-svc2', which [services] does not define",
        "52:29: functions[0].procedures[1]: function 'checkout' names procedure 'nope-proc', which [procedures] does not define",
        "80:9: levels[0].track: level 2 names track 'nope-track2', which [tracks] does not define",
        "81:14: levels[0].escalation: `escalation` is a format 2 key; write `format = 2` at the top of the file",
        "81:15: levels[0].escalation[0]: level 2 names role 'nope-role', which [roles] does not define",
        "97:10: tracks[0].finish: track 'partial-dr' names procedure 'nope-finish', which [procedures] does not define",
        "103:13: tracks[1].procedure: track 'full-dr' names procedure 'nope-proc2', which [procedures] does not define",
        "119:9: procedures[0].steps[1].owner: step 'restore-database' names role 'nope-owner', which [roles] does not define",
        "120:13: procedures[0].steps[1].procedure: step 'restore-database' names its own procedure 'full-recovery' as a sub-procedure",
        "121:13: procedures[0].steps[1].checklist: step 'restore-database' names checklist 'nope-cl', which [checklists] does not define",
        "127:11: procedures[0].steps[2].on-fail: step 'integration-test' names procedure 'nope-onfail', which [procedures] does not define",
        "133:13: procedures[0].steps[3].procedure: step 'declare-complete' names procedure 'nope-sub', which [procedures] does not define",
    ]
    .iter()
    .map(|l| format!("error: {file}:{l}"))
    .chain([format!("{file}: {} problem(s)", 19)])
    .collect();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().collect::<Vec<_>>(), want);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_library_reports_the_same_first_problem() {
    for (name, want) in EXPECTED {
        let file = format!("{FIXTURES}/{name}.toml");
        let path = Path::new(&file);
        // Relative to the crate root, as the CLI test runs; cargo runs tests from there.
        let diags = drconsole::runbook::load(Some(path)).unwrap_err();
        assert_eq!(format!("error: {}", diags[0]), *want, "{name}");
    }
}

#[test]
fn a_file_over_one_mib_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(root().join("runbooks/shopping-system.toml")).unwrap();
    let filler = format!("# {}\n", "x".repeat(98));
    while text.len() <= MAX_FILE_BYTES {
        text.push_str(&filler);
    }
    std::fs::write(dir.path().join("huge.toml"), &text).unwrap();
    let out = check(dir.path(), "huge.toml");
    let want = format!(
        "error: huge.toml:1:1: file is {} bytes; a file of more than 1048576 bytes (1 MiB) is \
         refused",
        text.len()
    );
    refused_with(&out, "huge.toml", &want).unwrap();
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["huge.toml"], "check wrote next to the file");
    // The same text given directly, without the file-size check of `read_text`.
    let diags = from_text("huge.toml", &text).unwrap_err();
    assert_eq!(format!("error: {}", diags[0]), want);
}

const REAL: &str = include_str!("../../runbooks/shopping-system.toml");

fn loads_or_refuses(text: &str) -> Result<(), TestCaseError> {
    match from_text("prop.toml", text) {
        Ok(_) => Ok(()),
        Err(diags) => {
            prop_assert!(!diags.is_empty());
            for d in &diags {
                prop_assert!(d.line >= 1 && d.column >= 1, "{d}");
                prop_assert!(!d.message.is_empty(), "{d}");
                prop_assert!(!d.message.contains('\n'), "multi-line message: {d}");
            }
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        loads_or_refuses(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn toml_like_noise_never_panics(text in "[\\[\\]{}\"'=#.,\n a-z0-9_\\-\\\\]{0,400}") {
        loads_or_refuses(&text)?;
    }

    #[test]
    fn locating_a_key_in_raw_text_never_panics(
        text in "[\\[\\]{}\"'=#.,\n\t a-z\u{4e00}-\u{4e0f}\\\\]{0,200}",
        at in 0usize..260,
    ) {
        // Called on text that does not parse, at whatever offset the parser gave up.
        let _ = drconsole::runbook::source::key_in_raw_text(&text, at);
        let _ = drconsole::runbook::source::key_in_raw_text(REAL, at * 97);
    }

    #[test]
    fn truncated_runbooks_never_panic(at in 0..=REAL.len()) {
        let mut at = at;
        while !REAL.is_char_boundary(at) {
            at -= 1;
        }
        loads_or_refuses(&REAL[..at])?;
    }

    #[test]
    fn single_byte_edits_never_panic(at in 0..REAL.len(), byte in any::<u8>()) {
        let mut bytes = REAL.as_bytes().to_vec();
        bytes[at] = byte;
        match String::from_utf8(bytes) {
            Ok(text) => loads_or_refuses(&text)?,
            Err(e) => loads_or_refuses(&String::from_utf8_lossy(e.as_bytes()))?,
        }
    }
}

#[test]
fn invalid_utf8_files_are_refused_by_load_not_by_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.toml");
    // A few hundred files is too slow for a property test; one edit at each kind of place is
    // enough to show the byte-level path is located like the rest.
    for (needle, byte) in [("[plan]", 0xFFu8), ("张三", 0x80), ("rto", 0x00)] {
        let mut bytes = REAL.as_bytes().to_vec();
        let at = REAL.find(needle).unwrap();
        bytes[at] = byte;
        std::fs::write(&path, &bytes).unwrap();
        let diags = drconsole::runbook::load(Some(&path)).unwrap_err();
        assert!(diags[0].message.starts_with("binary data: "), "{}", diags[0]);
        let (line, _) = drconsole::runbook::source::line_col(REAL, at);
        assert_eq!(diags[0].line, line, "{}", diags[0]);
    }
}
