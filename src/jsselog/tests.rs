use super::*;

fn fixture(name: &str) -> Analysis {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures/jsselog")
        .join(name);
    analyze_path(&p, &LogOptions::default()).unwrap()
}

#[test]
fn dump_seed() {
    let a = fixture("jdk17-seed-tls12.log");
    println!("{}", serde_json::to_string_pretty(&a).unwrap());
}
