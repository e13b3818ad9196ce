//! `stackgen import`: the corpus of real Compose files (one snapshot each,
//! and the round trip through `stackgen render`), the refused inputs,
//! hostile text, and the command as a process (files written, modes,
//! refusals).

mod cli;
mod corpus;
mod hostile;
mod invalid;
mod round_trip;
