//! The LLM layer: the two adapters of the LLM port. `offline` (deterministic, the default)
//! and `chat` (OpenAI-compatible Chat Completions with a provider chain). Both depend on the
//! domain and the port only.

pub mod chat;
pub mod offline;
