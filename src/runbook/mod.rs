//! The runbook: the DR plan as data.

pub mod duration;
pub mod forms;
pub mod hidden_chars;
pub mod load;
pub mod model;
pub mod percent;
pub mod placeholder;
pub mod query;
mod references;
pub mod source;
pub mod validate;

pub use load::{load, Loaded};
pub use model::Runbook;
