//! Reading a journal decodes each payload once, straight into an event: no JSON tree is built
//! on the way (the tree cost more than everything else in reading a long journal). Checked by
//! structure, not by time: a counting allocator shows that decoding an entry allocates what the
//! event itself holds and hardly more, where a tree costs an allocation per key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use drconsole::incident::decode;
use drconsole::incident::{Actor, EventKind};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; only a thread-local
// counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is System's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (ALLOCS.with(Cell::get) - before, out)
}

const NOTE: &str = r#"{"at":"2026-11-28T10:00:00.123456789Z","mono_ms":5,"success":true,"text":"restored the replica, checking orders","type":"note","wall":"2026-11-28T10:00:00.123456789Z","who":{"host":"jump1","pid":42,"tty":"/dev/pts/3","user":"ops"}}"#;
const HEALTH: &str = r#"{"at":"2026-11-28T10:00:01Z","detail":"timed out after 1s","from":"UP","mono_ms":6,"resource":"api","service":"api","success":false,"to":"DOWN","type":"health-changed","wall":"2026-11-28T10:00:01Z","who":{"host":"jump1","pid":42,"user":"ops"}}"#;

#[test]
fn an_entry_is_decoded_without_a_json_tree() {
    for payload in [NOTE, HEALTH] {
        let (decoding, d) = allocations(|| decode::decode(1, payload, None));
        assert!(d.warning.is_none(), "{:?}", d.warning);
        assert!(!matches!(d.event.kind, EventKind::Unreadable { .. }));
        // What the event holds: its strings and its operator (shared between events, so
        // copied here on purpose).
        let (holding, copy) = allocations(|| {
            let mut copy = d.event.clone();
            copy.who = std::sync::Arc::new(Actor::clone(&d.event.who));
            copy
        });
        // A tree of the same payload: a string per key and value, and the maps.
        let (tree, _) = allocations(|| serde_json::from_str::<serde_json::Value>(payload).unwrap());
        eprintln!(
            "{payload}: decode {decoding} allocations, the event holds {holding}, a tree {tree}"
        );
        // The event's own strings, plus the few buffers serde's tagged enum uses.
        assert!(decoding <= holding + 3, "decoding made {decoding}, the event holds {holding}");
        assert!(decoding < tree, "decoding ({decoding}) costs no less than a tree ({tree})");
        assert_eq!(copy, d.event);
    }
}

#[test]
fn an_entry_that_is_not_an_event_still_decodes_and_is_shown() {
    // The slow path (a tree, to show what the entry holds) is for such entries only.
    let d = decode::decode(9, r#"{"type":"from-the-future","x":1}"#, None);
    let EventKind::Unreadable { seq, event_type, raw, .. } = &d.event.kind else { panic!() };
    assert_eq!((*seq, event_type.as_str()), (9, "from-the-future"));
    assert_eq!(raw, r#"{"type":"from-the-future","x":1}"#);
    assert!(d.warning.is_some());
}
