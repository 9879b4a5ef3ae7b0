//! The API as a client meets it, over real HTTP on a free loopback port: one test binary, most
//! cases on both adapter families (embedded and AWS on moto).

#[macro_use]
mod common;

mod adaptive;
mod auth;
mod bank_browse;
mod cv;
mod faults;
mod interview;
mod jobs;
mod legacy_import;
mod llm_jobs;
mod local_host;
mod restart;
mod soak;
mod watch;
