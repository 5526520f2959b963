//! A ajuda (`--help`) de cada programa e subcomando, guardada em snapshots do
//! insta: qualquer mudança no texto aparece na revisão.

use avaliacao::run;

fn help(program: &str, args: &[&str]) -> String {
    let output = run(program, args, b"");
    assert!(output.status.success(), "{}", output.stderr);
    output.stdout_text()
}

#[test]
fn ajuda_do_udp_echo() {
    insta::assert_snapshot!("udp-echo", help("udp-echo", &["--help"]));
    insta::assert_snapshot!(
        "udp-echo-servidor",
        help("udp-echo", &["servidor", "--help"])
    );
    insta::assert_snapshot!("udp-echo-cliente", help("udp-echo", &["cliente", "--help"]));
    insta::assert_snapshot!("udp-echo-ping", help("udp-echo", &["ping", "--help"]));
    insta::assert_snapshot!("udp-echo-bench", help("udp-echo", &["bench", "--help"]));
}

#[test]
fn ajuda_do_tcp_echo() {
    insta::assert_snapshot!("tcp-echo", help("tcp-echo", &["--help"]));
    insta::assert_snapshot!(
        "tcp-echo-servidor",
        help("tcp-echo", &["servidor", "--help"])
    );
    insta::assert_snapshot!("tcp-echo-cliente", help("tcp-echo", &["cliente", "--help"]));
    insta::assert_snapshot!("tcp-echo-bench", help("tcp-echo", &["bench", "--help"]));
}

#[test]
fn aliases_em_ingles_mostram_a_mesma_ajuda() {
    assert_eq!(
        help("udp-echo", &["server", "--help"]),
        help("udp-echo", &["servidor", "--help"])
    );
    assert_eq!(
        help("tcp-echo", &["client", "-h"]),
        help("tcp-echo", &["cliente", "--help"])
    );
    insta::assert_snapshot!("tcp-echo-bench", help("tcp-echo", &["bench", "--help"]));
}
