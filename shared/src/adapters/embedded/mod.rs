//! Embedded adapters for the local host: a SQLite file, a directory, and a job queue either in
//! process or in a SQLite file that several processes share.

pub mod directory;
pub mod memory_queue;
pub mod sqlite;
pub mod sqlite_queue;

pub use directory::DirectoryBlobStore;
pub use memory_queue::InProcessJobQueue;
pub use sqlite::SqliteItemStore;
pub use sqlite_queue::SqliteJobQueue;
