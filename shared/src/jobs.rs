//! The messages the worker consumes. Each variant is one kind of slow work; a body that does
//! not parse as a `Job` is a poison message and ends in the dead-letter queue.

use serde::{Deserialize, Serialize};

/// One unit of work for the worker. Variants are added as features that need slow work land.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Job {}
