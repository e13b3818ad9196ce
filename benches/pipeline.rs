//! Pipeline benchmarks on synthetic stacks of 10 to 10,000 services:
//! `cargo bench --bench pipeline` (append `-- load` etc. to filter).
//!
//! `load_and_validate` covers parsing, the model and the semantic checks;
//! `schema_validator_compile` the JSON Schema validator an invalid stack needs; `plan` the normalization; `render` every renderer; `all`
//! the whole in-memory pipeline as `stackgen render` runs it, minus the writes.

#[path = "support/synth.rs"]
mod synth;

use divan::Bencher;

const SIZES: &[usize] = &[10, 100, 1000, 10_000];

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn load_and_validate(bencher: Bencher, services: usize) {
    let text = synth::stack(services);
    bencher.bench(|| {
        let loaded = stackgen::load::load_str("stack.toml", &text).expect("synthetic stack loads");
        let diagnostics = stackgen::validate::validate(&loaded);
        assert!(!diagnostics.iter().any(stackgen::Diagnostic::is_error));
        diagnostics.len()
    });
}

/// Compiling the JSON Schema validator, which runs only when serde refuses
/// a stack and its problems need explaining.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn schema_validator_compile() -> usize {
    let (_, schema) = stackgen::load::compile_schema_validator().expect("the schema compiles");
    schema.as_object().map_or(0, serde_json::Map::len)
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn plan(bencher: Bencher, services: usize) {
    let text = synth::stack(services);
    let loaded = stackgen::load::load_str("stack.toml", &text).expect("synthetic stack loads");
    bencher.bench(|| stackgen::plan::plan(&loaded).services.len());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn render(bencher: Bencher, services: usize) {
    let text = synth::stack(services);
    let loaded = stackgen::load::load_str("stack.toml", &text).expect("synthetic stack loads");
    let plan = stackgen::run(&loaded, &stackgen::Options::default())
        .expect("synthetic stack is valid")
        .plan;
    bencher.bench(|| {
        stackgen::render::render(&plan)
            .expect("synthetic stack renders")
            .files
            .len()
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn all(bencher: Bencher, services: usize) {
    let text = synth::stack(services);
    bencher.bench(|| {
        stackgen::run(
            stackgen::Source::text("stack.toml", &text),
            &stackgen::Options::default(),
        )
        .expect("synthetic stack renders")
        .bundle
        .files
        .len()
    });
}
