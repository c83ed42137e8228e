//! The drill end to end in a real pseudo-terminal (tmux): `drconsole drill
//! mongodb-cluster-failure --speed 120`, the injects turn MongoDB DOWN, the operator works the
//! steps while the restore brings it UP, closes the recovery, and finds the scorecard and the
//! drill in `drconsole list`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::tmux::Tmux;

#[test]
fn mongodb_drill_at_120x_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = format!("--data-dir {} drill mongodb-cluster-failure --speed 120", data.display());
    let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
    // The briefing first; the game clock stands until Enter.
    let s = t.wait_text("演练简报", 10);
    assert!(s.contains("演练目标") && s.contains("T0+00:00:00"), "{s}");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(!t.screen().contains("mongodb UP → DOWN"), "nothing happens before the start");
    t.keys(&["Enter"]);
    let s = t.wait_for("the briefing closed", 10, |s| !s.contains("演练简报"));
    assert!(s.contains("DRILL ×120"), "{s}");
    assert!(s.contains("恢复步骤 0/12"), "{s}");
    assert!(s.contains("P 暂停  N 下一注入  I 注入"), "{s}");

    // T+2m is one real second away.
    let s = t.wait_text("mongodb UP → DOWN", 10);
    assert!(s.contains("mongodb   DOWN"), "{s}");

    // The first four steps, then the database restore is under way.
    for done in 1..=4 {
        t.keys(&["s", "d"]);
        t.wait_text(&format!("恢复步骤 {done}/12"), 10);
        t.keys(&["]"]);
    }
    t.wait_text("恢复步骤 4/12", 5);
    // The decision at T+10m is shown whole and stops the game until it is closed.
    let s = t.wait_text("2. 立即从每日备份恢复到新 M10 集群", 20);
    assert!(s.contains("1. 等待自动故障转移 15 分钟"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the decision closed", 5, |s| !s.contains("2. 立即从每日备份"));
    t.keys(&["s"]);
    // The scenario's restore lands at T+1h10m, 35 real seconds away at 120x: the facilitator's
    // `N` fires the next inject now, the message at T+40m, then the restore.
    t.keys(&["N"]);
    t.wait_text("新集群已创建", 10);
    t.keys(&["N"]);
    let s = t.wait_text("mongodb DOWN → UP", 10);
    assert!(s.contains("mongodb   UP"), "{s}");
    t.keys(&["d"]);
    t.wait_text("恢复步骤 5/12", 5);

    // Every business function restored from the timers pane. The API may still be DEGRADED
    // (it recovers five game minutes after the database): each restore asks, and `y` says yes.
    t.keys(&["r"]);
    for i in 0..7 {
        if i > 0 {
            t.keys(&["j"]);
        }
        let before = t.screen().matches('✓').count();
        t.keys(&["r"]);
        let s = t.wait_for("restored or asked", 5, |s| {
            s.contains("y/n") || s.matches('✓').count() > before
        });
        if s.contains("y/n") {
            t.keys(&["y"]);
            t.wait_for("restored", 5, |s| s.matches('✓').count() > before);
        }
    }
    t.wait_for("seven restored functions", 10, |s| s.matches('✓').count() >= 12);

    // Recovery complete: step 11 (declare-complete) asks first.
    // `]` goes back to the steps pane, on step 6; it was never started: `d` asks.
    t.keys(&["]", "d"]);
    t.wait_text("尚未开始", 5);
    t.keys(&["y"]);
    t.wait_text("恢复步骤 6/12", 5);
    t.keys(&["]"]);
    for _ in 0..4 {
        t.keys(&["j"]);
    }
    t.keys(&["d"]);
    // Closing lists what is still open (steps 7 to 10 here) before it asks.
    let s = t.wait_text("宣布恢复完成并关闭事件?", 5);
    assert!(s.contains("integration-test"), "{s}");
    t.keys(&["y"]);
    t.wait_text("已关闭", 5);

    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(10), 0);
    let s = t.wait_text("scorecard:", 5);
    assert!(s.contains("测试结果(成功/失败): 成功"), "{s}");
    assert!(s.contains("下单支付 (checkout)"), "{s}");

    // The drill's folder holds the journal, the record and the scorecard.
    let drills: Vec<_> = std::fs::read_dir(data.join("drills")).unwrap().flatten().collect();
    assert_eq!(drills.len(), 1);
    let folder = drills[0].path();
    let id = folder.file_name().unwrap().to_string_lossy().into_owned();
    assert!(id.starts_with("DRILL-"), "{id}");
    let md = std::fs::read_to_string(folder.join("scorecard.md")).unwrap();
    assert!(md.contains("**成功**"), "{md}");
    let page = std::fs::read_to_string(folder.join("scorecard.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page:.100}");
    assert!(page.contains("<g class=\"lane steps\">") && page.contains("class=\"ok\">成功"));
    for f in ["用户认证", "商品浏览", "购物车", "下单支付", "订单管理", "库存管理", "报表分析"]
    {
        let row = md.lines().find(|l| l.starts_with(&format!("| {f} |"))).unwrap();
        assert!(row.ends_with("| 达标 |"), "{row}");
    }
    assert!(md.contains("| 恢复数据库(按5.3流程) 完成 ≤ T+3h | 达标 |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("scorecard.json")).unwrap())
            .unwrap();
    assert_eq!(json["result"], "success");
    assert_eq!(json["speed"], 120.0);
    // The operator's restores are in the response record written beside it.
    let record = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("scorecard.json"))
        .unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(record).unwrap()).unwrap();
    let restored = record["facts"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "function-restored")
        .count();
    assert_eq!(restored, 7, "every function restored by the operator");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["--data-dir", data.to_str().unwrap(), "list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    let after = list.split("DRILLS").nth(1).unwrap_or_else(|| panic!("no DRILLS section:\n{list}"));
    let row = after.lines().find(|l| l.contains(&id)).unwrap_or_else(|| panic!("{list}"));
    assert!(row.contains(" drill "), "shown as a closed drill: {row}");
}

/// The game time in the header, e.g. `T0+00:02:00`.
fn game_time(screen: &str) -> String {
    let top = screen.lines().next().unwrap_or_default();
    let at = top.find("T0+").expect("the game time in the header");
    top[at..at + 11].to_string()
}

#[test]
fn a_dialog_stops_the_game_clock_unless_the_facilitator_says_otherwise() {
    for (flag, stands) in [("", true), ("--no-pause-on-dialog", false)] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let args = format!(
            "--data-dir {} drill mongodb-cluster-failure --speed 120 {flag}",
            data.display()
        );
        let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
        t.wait_text("演练简报", 30);
        t.keys(&["Enter"]);
        t.wait_for("the briefing closed", 10, |s| !s.contains("演练简报"));
        t.keys(&["n"]);
        let s = t.wait_text("Enter 保存", 5);
        let before = game_time(&s);
        std::thread::sleep(std::time::Duration::from_secs(2));
        let after = game_time(&t.screen());
        assert_eq!(before == after, stands, "{flag}: {before} then {after}");
        t.keys(&["Escape"]);
        t.wait_for("the note dialog closed", 10, |s| !s.contains("Enter 保存"));
        t.keys(&["q"]);
        t.wait_text("y 退出", 10);
        t.keys(&["y"]);
        assert_eq!(t.exit_code(30), 0);
    }
}
