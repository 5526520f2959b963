//! Datagramas duplicados: o servidor UDP com `--duplicar` manda algumas
//! respostas duas vezes, e o pinger reconhece a cópia pelo número de
//! sequência. O livro mostra a saída do snapshot (página "Datagramas
//! duplicados").

use avaliacao::Server;

/// Troca os tempos medidos (que variam) por `[RTT]`, para o snapshot.
fn hide_times(text: &str) -> String {
    avaliacao::hide_ports(text)
        .lines()
        .map(|line| match line.find("tempo=") {
            Some(at) => format!("{}tempo=[RTT]", &line[..at]),
            None if line.starts_with("rtt ") => "rtt mín/méd/máx/mdev = [RTT]".to_string(),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn servidor_que_duplica_tudo_faz_o_ping_ver_cada_copia() {
    let server = Server::start("udp-echo", &["--duplicar", "1"]);
    let output = avaliacao::run_ping(server.port(), "3", "100", "1");
    let text = output.stdout_text();
    assert!(output.status.success(), "{text}");
    assert!(text.contains("resposta DUPLICADA ao ping 1"), "{text}");
    assert!(text.contains("resposta DUPLICADA ao ping 2"), "{text}");
    // A cópia não é uma resposta a mais: 3 enviados, 3 recebidos.
    assert!(
        text.contains("3 enviados, 3 recebidos, 0,0 % de perda"),
        "{text}"
    );
}

#[test]
fn duplicacao_com_semente_fixa_da_sempre_as_mesmas_copias() {
    let server = Server::start("udp-echo", &["--duplicar", "0.3", "--semente", "7"]);
    let output = avaliacao::run_ping(server.port(), "10", "50", "1");
    assert!(output.status.success(), "{}", output.stderr);
    insta::assert_snapshot!(hide_times(&output.stdout_text()));
    assert!(server.wait_for_log("duplicação de 30,0 %"));
}
