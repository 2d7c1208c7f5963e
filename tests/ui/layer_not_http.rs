use brisk::prelude::*;

/// Not a tower layer at all.
struct Logging;

fn main() {
    let _ = App::new().layer(Logging);
}
