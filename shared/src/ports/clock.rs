//! Time and identifiers, injected so tests can control them.

use time::OffsetDateTime;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

pub trait IdGenerator: Send + Sync {
    /// A new unique id; ids made later sort after earlier ones.
    fn new_id(&self) -> String;
}

/// Whether a string can be an id `UuidV7Ids` made (32 hex digits); anything else names
/// nothing, so lookups can answer "not found" without a store read.
pub fn is_well_formed_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// UUIDv7: unique, unguessable enough for resource ids, and time-ordered so "newest first"
/// is a reverse sort-key query.
#[derive(Clone, Copy, Debug, Default)]
pub struct UuidV7Ids;

impl IdGenerator for UuidV7Ids {
    fn new_id(&self) -> String {
        uuid::Uuid::now_v7().simple().to_string()
    }
}
