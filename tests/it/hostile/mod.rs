//! Hostile input: stackgen must never panic, hang or write outside its
//! output directory, and text it accepts must reach the outputs unchanged.
//!
//! The properties run `PROPTEST_CASES` cases each (256 by default; the
//! structured one 64 in a debug build); run them longer by hand with, for
//! example,
//! `PROPTEST_CASES=1000000 cargo test --release --test it hostile::arbitrary_text`.
//! Inputs that once broke stackgen live in `tests/fuzz-corpus/` and are
//! replayed by [`corpus`].
//!
//! The tests, by concern: [`arbitrary_text`], [`toml_fragments`],
//! [`mutated_stacks`], [`schema_fields`] (hostile strings in every string
//! field of the schema, and in the names of the files the stack reads, each
//! refused at the value or written intact in every file of the bundle, as
//! [`bundle_reading`] reads it back), [`file_name`] (the stack file's own
//! name), [`limits`] (size, scale and depth), [`output_dir`] and
//! [`corpus`]. The others hold what they share: [`run`] runs one input,
//! [`specials`] the strings, [`nginx_tokens`] nginx's tokenizer.

mod arbitrary_text;
mod bundle_reading;
mod corpus;
mod file_name;
mod limits;
mod mutated_stacks;
mod nginx_tokens;
mod output_dir;
mod run;
mod schema_fields;
mod specials;
mod toml_fragments;
