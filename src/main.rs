fn main() {
    println!("tlsdiag: under construction");
}
