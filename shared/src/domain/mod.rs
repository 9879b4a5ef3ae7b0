//! The domain: the product's types and rules, with no I/O. Nothing here imports any other
//! module of the crate, so every rule can be unit-tested without a store.

pub mod account;
pub mod bank;
pub mod cv;
pub mod evaluation;
pub mod field;
pub mod focus;
pub mod follow_up;
pub mod interview;
pub mod job;
pub mod posting;
pub mod progress;
pub mod report;
pub mod text;
pub mod vocabulary;

pub use field::{FieldChecks, FieldError};
pub use vocabulary::{COMPETENCIES, Difficulty, Lang, Position, QuestionKind};
