use brisk::prelude::*;

// Thirty-three query parameters: one more than a route can take.
#[get("/crowded")]
async fn crowded(
    q0: u8,
    q1: u8,
    q2: u8,
    q3: u8,
    q4: u8,
    q5: u8,
    q6: u8,
    q7: u8,
    q8: u8,
    q9: u8,
    q10: u8,
    q11: u8,
    q12: u8,
    q13: u8,
    q14: u8,
    q15: u8,
    q16: u8,
    q17: u8,
    q18: u8,
    q19: u8,
    q20: u8,
    q21: u8,
    q22: u8,
    q23: u8,
    q24: u8,
    q25: u8,
    q26: u8,
    q27: u8,
    q28: u8,
    q29: u8,
    q30: u8,
    q31: u8,
    q32: u8,
) -> String {
    [q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18, q19, q20, q21, q22, q23, q24, q25, q26, q27, q28, q29, q30, q31, q32].map(|q| q.to_string()).concat()
}

fn main() {}
