//! Writes a synthetic stack with N services to standard output, for benchmarks:
//! `cargo run --release --example gen_stack -- 1000 > /tmp/stack-1000.toml`.

#[path = "../benches/support/synth.rs"]
mod synth;

fn main() {
    let services = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse::<usize>().ok())
        .unwrap_or(100);
    print!("{}", synth::stack(services));
}
