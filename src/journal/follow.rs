//! Following the pointer when another process moved the journal.
//!
//! Each process appending to an incident fails over on its own: when `drconsole note` finds
//! the disk full, it continues in a fresh file and switches the pointer, while the console
//! still holds the old file. Without following, the console would go on in the old file (or
//! fail over to a second continuation of its own), and whatever the pointer does not name is
//! missing from the record.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::fs::{parent_dir, FileLock};
use super::handle::Journal;
use super::scan::Chain;
use super::stream::walk_file;

/// What identifies one state of the pointer file; `None` when it cannot be examined.
fn stamp(pointer: &Path) -> Option<(u64, u64, i64, i64)> {
    let m = std::fs::metadata(pointer).ok()?;
    Some((m.ino(), m.len(), m.mtime(), m.mtime_nsec()))
}

impl Journal {
    /// When the pointer names another file than ours, and that file holds every entry we know
    /// followed by others, continue in it: the other process's entries are queued for
    /// [`Journal::poll`] and our appends go there. A file that does not extend our chain is
    /// not followed, and the alarm says so. Costs one `stat` while the pointer is unchanged.
    pub(super) fn follow_pointer(&mut self) {
        let Some(pointer) = self.pointer.clone() else { return };
        let now = stamp(&pointer);
        if now.is_none() || now == self.pointer_seen {
            return;
        }
        self.pointer_seen = now;
        let Ok(Some(target)) = super::pointer::read(&pointer) else { return };
        let Ok(ours) = self.file.metadata() else { return };
        match std::fs::metadata(&target) {
            Ok(m) if m.dev() == ours.dev() && m.ino() == ours.ino() => return,
            Ok(_) => {}
            // Named but gone: keep the file we have; nothing better is known.
            Err(_) => return,
        }
        if let Err(why) = self.switch_to(&target, ours.uid()) {
            self.degraded = Some(format!(
                "{} names {} as the journal, but this process cannot continue there ({why}); it \
                 goes on writing {}, which the record will not read.",
                pointer.display(),
                target.display(),
                self.path.display()
            ));
        }
    }

    fn switch_to(&mut self, target: &Path, owner: u32) -> Result<(), String> {
        let file = crate::files::open_regular(target, true).map_err(|e| e.to_string())?;
        let meta = file.metadata().map_err(|e| e.to_string())?;
        if meta.uid() != owner {
            return Err(format!("it belongs to uid {}, not to uid {owner}", meta.uid()));
        }
        let lock = FileLock::exclusive(&file).map_err(|e| e.to_string())?;
        let (my_seq, my_head) = (self.chain.last_seq, self.chain.head.clone());
        let mut extends = my_seq == 0;
        let mut newer = Vec::new();
        let a =
            walk_file(&file, target, (0, u64::MAX), &Chain::genesis(), 0, &|_| (), &mut |f, ()| {
                if f.seq == my_seq {
                    extends = f.hash == my_head;
                }
                if f.seq > my_seq {
                    newer.push(f.to_entry());
                }
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        if !extends {
            return Err(format!("it does not hold this journal's entry {my_seq}"));
        }
        drop(lock);
        // An unfinished tail after `good_end` is cut by the next append, under the lock.
        let old = std::mem::replace(&mut self.path, target.to_path_buf());
        self.file = file;
        self.offset = a.good_end;
        self.count = a.count;
        self.chain = a.chain;
        self.base_dir = parent_dir(target).to_path_buf();
        self.abandoned = None;
        self.queued.extend(newer);
        self.degraded = Some(format!(
            "Another process moved the journal from {} to {} (its write failed); this one \
             continues there too, with all {} entries.",
            old.display(),
            self.path.display(),
            self.count
        ));
        Ok(())
    }
}
