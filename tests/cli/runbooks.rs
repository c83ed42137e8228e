//! Every shipped runbook loads, and the translations keep the exact structure of the Chinese
//! original, so that a journal written against one language replays against the other.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use drconsole::runbook::model::{Lang, Runbook};
use drconsole::runbook::validate::placeholders;
use drconsole::runbook::{self, Loaded};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Loaded {
    match runbook::load(Some(path)) {
        Ok(l) => l,
        Err(diags) => {
            let lines: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            panic!("{} does not load:\n{}", path.display(), lines.join("\n"));
        }
    }
}

fn zh() -> Runbook {
    load(&root().join("runbooks/shopping-system.toml")).runbook
}

fn en() -> Runbook {
    load(&root().join("runbooks/shopping-system.en.toml")).runbook
}

/// Zip two sections, which must be equally long: `zip` alone would hide a missing entry.
fn pairs<'a, T>(what: &str, a: &'a [T], b: &'a [T]) -> impl Iterator<Item = (&'a T, &'a T)> {
    assert_eq!(a.len(), b.len(), "{what}: zh has {} entries, en has {}", a.len(), b.len());
    a.iter().zip(b)
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|x| id(x).to_string()).collect()
}

#[test]
fn every_runbook_in_the_folder_loads() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("runbooks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            load(&path);
            seen += 1;
        }
    }
    assert!(seen >= 2, "expected the zh and en runbooks, found {seen} files");
}

#[test]
fn languages_are_declared() {
    assert_eq!(zh().plan.language, Lang::Zh);
    assert_eq!(en().plan.language, Lang::En);
}

/// The id lists of every section, in order, as (section, ids).
fn section_ids(rb: &Runbook) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("components", ids(&rb.components, |x| &x.id)),
        ("services", ids(&rb.services, |x| &x.id)),
        ("disaster-types", ids(&rb.disaster_types, |x| &x.id)),
        ("functions", ids(&rb.functions, |x| &x.id)),
        ("roles", ids(&rb.roles, |x| &x.id)),
        ("contacts", ids(&rb.contacts, |x| &x.id)),
        ("backups", ids(&rb.backups, |x| &x.id)),
        ("levels", rb.levels.iter().map(|l| l.level.to_string()).collect()),
        ("tracks", ids(&rb.tracks, |x| &x.id)),
        ("procedures", ids(&rb.procedures, |x| &x.id)),
        ("checklists", ids(&rb.checklists, |x| &x.id)),
        ("notifications", ids(&rb.notifications, |x| &x.id)),
        ("templates", ids(&rb.templates, |x| &x.id)),
        ("fields", ids(&rb.fields, |x| &x.id)),
        ("forms.record", ids(&rb.forms.record.fields, |x| &x.id)),
        ("forms.report", ids(&rb.forms.report.fields, |x| &x.id)),
        ("forms.test-report", ids(&rb.forms.test_report.fields, |x| &x.id)),
        ("exercises", ids(&rb.exercises, |x| &x.id)),
        ("references", ids(&rb.references, |x| &x.id)),
    ]
}

#[test]
fn zh_and_en_have_the_same_ids_in_every_section() {
    let (a, b) = (zh(), en());
    for ((name, za), (_, eb)) in section_ids(&a).into_iter().zip(section_ids(&b)) {
        assert_eq!(za, eb, "[{name}] ids differ between zh and en");
        if !matches!(name, "contacts" | "backups" | "exercises") {
            assert!(!za.is_empty(), "[{name}] is empty in the zh runbook");
        }
    }
}

#[test]
fn zh_and_en_have_the_same_plan_figures() {
    let (a, b) = (zh(), en());
    assert_eq!(a.plan.rpo, b.plan.rpo);
    assert_eq!(a.plan.rto, b.plan.rto);
    assert_eq!(a.plan.availability_target, b.plan.availability_target);
    assert_eq!(a.plan.objectives.len(), b.plan.objectives.len());
    assert_eq!(a.plan.version, b.plan.version);
}

#[test]
fn zh_and_en_have_the_same_steps_and_step_references() {
    let (a, b) = (zh(), en());
    for (pa, pb) in pairs("procedures", &a.procedures, &b.procedures) {
        assert_eq!(pa.section, pb.section, "procedure '{}'", pa.id);
        let sa = ids(&pa.steps, |s| &s.id);
        let sb = ids(&pb.steps, |s| &s.id);
        assert_eq!(sa, sb, "steps of procedure '{}'", pa.id);
        for (x, y) in pairs("steps", &pa.steps, &pb.steps) {
            let what = format!("step '{}'", x.id);
            assert_eq!(x.owner, y.owner, "{what}: owner");
            assert_eq!(x.checklist, y.checklist, "{what}: checklist");
            assert_eq!(x.procedure, y.procedure, "{what}: procedure");
            assert_eq!(x.on_fail, y.on_fail, "{what}: on-fail");
            assert_eq!(x.completes_recovery, y.completes_recovery, "{what}: completes-recovery");
            assert_eq!(x.items.len(), y.items.len(), "{what}: number of items");
            let runs = |s: &runbook::model::Step| -> Vec<String> {
                s.commands.iter().map(|c| c.run.clone()).collect()
            };
            assert_eq!(runs(x), runs(y), "{what}: commands");
        }
    }
}

#[test]
fn zh_and_en_have_the_same_references_between_sections() {
    let (a, b) = (zh(), en());
    for (x, y) in pairs("functions", &a.functions, &b.functions) {
        assert_eq!(x.services, y.services, "function '{}': services", x.id);
        assert_eq!(x.procedures, y.procedures, "function '{}': procedures", x.id);
        assert_eq!(x.max_downtime, y.max_downtime, "function '{}': max-downtime", x.id);
        assert_eq!(x.action.is_some(), y.action.is_some(), "function '{}': action", x.id);
    }
    for (x, y) in pairs("components", &a.components, &b.components) {
        assert_eq!(x.services, y.services, "component '{}'", x.id);
    }
    for (x, y) in pairs("services", &a.services, &b.services) {
        let what = format!("service '{}'", x.id);
        assert_eq!(x.kind, y.kind, "{what}");
        assert_eq!(x.target, y.target, "{what}");
        assert_eq!((x.interval, x.timeout), (y.interval, y.timeout), "{what}");
        assert_eq!(x.latency_warn, y.latency_warn, "{what}");
        assert_eq!(x.component, y.component, "{what}");
    }
    for (x, y) in pairs("disaster_types", &a.disaster_types, &b.disaster_types) {
        let what = format!("disaster type '{}'", x.id);
        assert_eq!((x.impact, x.priority), (y.impact, y.priority), "{what}");
        assert_eq!(x.contacts, y.contacts, "{what}");
    }
    for (x, y) in pairs("levels", &a.levels, &b.levels) {
        assert_eq!(x.track, y.track, "level {}", x.level);
        assert_eq!(x.update_every, y.update_every, "level {}", x.level);
    }
    for (x, y) in pairs("tracks", &a.tracks, &b.tracks) {
        let what = format!("track '{}'", x.id);
        assert_eq!((x.kind, &x.procedure, &x.finish), (y.kind, &y.procedure, &y.finish), "{what}");
    }
    for (x, y) in pairs("backups", &a.backups, &b.backups) {
        assert_eq!(x.scope, y.scope, "backup '{}'", x.id);
    }
    for (x, y) in pairs("checklists", &a.checklists, &b.checklists) {
        assert_eq!(x.items.len(), y.items.len(), "checklist '{}'", x.id);
    }
    for (x, y) in pairs("notifications", &a.notifications, &b.notifications) {
        assert_eq!(x.when, y.when, "notification '{}'", x.id);
        assert_eq!(x.channels.len(), y.channels.len(), "notification '{}'", x.id);
    }
    for (x, y) in pairs("fields", &a.fields, &b.fields) {
        assert_eq!(x.source, y.source, "field '{}'", x.id);
    }
    for (x, y) in pairs("references", &a.references, &b.references) {
        let what = format!("reference '{}'", x.id);
        assert_eq!(x.section, y.section, "{what}");
        assert_eq!(x.items.len(), y.items.len(), "{what}: items");
        assert_eq!(x.columns.len(), y.columns.len(), "{what}: columns");
        let shape =
            |r: &runbook::model::Reference| -> Vec<usize> { r.rows.iter().map(Vec::len).collect() };
        assert_eq!(shape(x), shape(y), "{what}: rows");
    }
}

#[test]
fn zh_and_en_templates_use_the_same_placeholders() {
    let (a, b) = (zh(), en());
    for (x, y) in pairs("templates", &a.templates, &b.templates) {
        let pa = placeholders(&x.body).unwrap();
        let pb = placeholders(&y.body).unwrap();
        assert!(!pa.is_empty(), "template '{}' has no placeholder", x.id);
        let (mut sa, mut sb) = (pa.clone(), pb.clone());
        sa.sort();
        sb.sort();
        assert_eq!(sa, sb, "template '{}'", x.id);
    }
}

#[test]
fn the_english_runbook_is_translated() {
    let (a, b) = (zh(), en());
    let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut texts: Vec<&str> = vec![&b.plan.name, &b.plan.system];
    texts.extend(b.procedures.iter().flat_map(|p| p.steps.iter().map(|s| s.title.as_str())));
    texts.extend(b.templates.iter().map(|t| t.body.as_str()));
    texts.extend(b.forms.record.fields.iter().map(|f| f.label.as_str()));
    texts.extend(b.roles.iter().map(|r| r.person.as_str()));
    texts.extend(b.references.iter().flat_map(|r| r.items.iter().map(String::as_str)));
    for t in texts {
        assert!(!has_cjk(t), "untranslated text in the en runbook: {t}");
    }
    // The same check would pass on a copy of the English file, so prove the original differs.
    assert!(has_cjk(&a.procedures[0].steps[0].title));
}

/// §5.5, in the plan's order.
const FULL_RECOVERY_ZH: [&str; 12] = [
    "启动灾难恢复团队，指定协调员",
    "评估灾难范围和影响",
    "制定恢复计划和时间表",
    "准备恢复环境(如需要)",
    "恢复数据库(按5.3流程)",
    "恢复应用服务(按5.4流程)",
    "执行系统集成测试",
    "验证数据一致性和完整性",
    "切换流量到恢复的系统",
    "监控系统性能和稳定性",
    "宣布恢复完成",
    "编写事故报告和分析",
];

#[test]
fn the_zh_runbook_encodes_the_twelve_steps_of_5_5() {
    let rb = zh();
    let p = rb.procedure("full-recovery").unwrap();
    assert_eq!(p.section.as_deref(), Some("5.5"));
    let titles: Vec<&str> = p.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, FULL_RECOVERY_ZH);
    let full = rb.tracks.iter().find(|t| t.id == "full-dr").unwrap();
    assert_eq!(rb.track_steps(full, &[]).len(), 12);
    // The plan's disaster types name no track: the level picks it (§5.2).
    assert_eq!(rb.track_for("database-failure", 3).map(|t| t.id.as_str()), Some("full-dr"));
    assert_eq!(rb.track_for("database-failure", 2).map(|t| t.id.as_str()), Some("partial-dr"));
}

#[test]
fn the_zh_runbook_names_the_services_of_1_3() {
    let rb = zh();
    let services = ids(&rb.services, |s| &s.id);
    for id in ["mongodb", "api", "frontend"] {
        assert!(services.contains(&id.to_string()), "service '{id}' missing: {services:?}");
    }
}

#[test]
fn the_plan_figures_match_1_2() {
    let rb = zh();
    assert_eq!(rb.plan.rpo.as_secs(), 4 * 3600);
    assert_eq!(rb.plan.rto.as_secs(), 8 * 3600);
    let budget = rb.plan.availability_target.unwrap().monthly_budget();
    assert_eq!(budget.as_secs() / 60, 43, "monthly budget {budget:?}");
}

#[test]
fn runbook_show_in_an_empty_folder_prints_the_builtin_steps() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("drconsole")
        .unwrap()
        .args(["runbook", "show"])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_DATA")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}; stderr: {stderr}", out.status);
    let mut from = 0;
    for (i, title) in FULL_RECOVERY_ZH.iter().enumerate() {
        let line = format!("{:>2}. {title}", i + 1);
        let at = stdout[from..].find(&line).unwrap_or_else(|| {
            panic!("step {} ('{title}') not printed after byte {from}:\n{stdout}", i + 1)
        });
        from += at + line.len();
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "show wrote files");
}

/// The first ```toml block of the format reference.
fn doc_example() -> String {
    let doc = std::fs::read_to_string(root().join("docs/runbook-format.md")).unwrap();
    let start = doc.find("```toml\n").expect("no ```toml block in docs/runbook-format.md") + 8;
    let len = doc[start..].find("\n```").expect("unclosed ```toml block") + 1;
    doc[start..start + len].to_string()
}

#[test]
fn the_example_in_the_format_reference_loads() {
    let text = doc_example();
    let loaded = runbook::load::from_text("docs/runbook-format.md", &text).unwrap_or_else(|d| {
        let lines: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        panic!("the documented example does not load:\n{}", lines.join("\n"))
    });
    let rb = loaded.runbook;
    // It is meant to show the loop, the partial track and a sub-procedure, not only to parse.
    assert!(rb.procedures.iter().flat_map(|p| &p.steps).any(|s| s.on_fail.is_some()));
    assert!(rb.procedures.iter().flat_map(|p| &p.steps).any(|s| s.procedure.is_some()));
    assert!(rb.tracks.iter().any(|t| t.procedure.is_none() && t.finish.is_some()));
}

#[test]
fn the_format_reference_lists_every_form_field_id() {
    use drconsole::runbook::forms::{RECORD_FIELDS, REPORT_FIELDS, TEST_REPORT_FIELDS};
    let doc = std::fs::read_to_string(root().join("docs/runbook-format.md")).unwrap();
    for (form, ids) in [
        ("[forms.record]", RECORD_FIELDS),
        ("[forms.report]", REPORT_FIELDS),
        ("[forms.test-report]", TEST_REPORT_FIELDS),
    ] {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{form}` (")))
            .unwrap_or_else(|| panic!("no row for {form} in the form field table"));
        let listed: Vec<&str> =
            row.split('|').nth(2).unwrap().split(',').map(|s| s.trim().trim_matches('`')).collect();
        assert_eq!(listed, ids, "{form}");
    }
}
