use brisk::prelude::*;

#[depends]
async fn token() -> String {
    "t".to_owned()
}

// Seventeen awaited parameters: one more than a route can await.
#[get("/crowded")]
async fn crowded(
    #[depends(token)] a: String,
    #[depends(token)] b: String,
    #[depends(token)] c: String,
    #[depends(token)] d: String,
    #[depends(token)] e: String,
    #[depends(token)] f: String,
    #[depends(token)] g: String,
    #[depends(token)] h: String,
    #[depends(token)] i: String,
    #[depends(token)] j: String,
    #[depends(token)] k: String,
    #[depends(token)] l: String,
    #[depends(token)] m: String,
    #[depends(token)] n: String,
    #[depends(token)] o: String,
    #[depends(token)] p: String,
    #[depends(token)] q: String,
) -> String {
    [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q].concat()
}

fn main() {
    let _ = routes![crowded];
}
