//! Entradas erradas na linha de comando: mensagem em português, código de
//! saída diferente de zero, e nunca um pânico.

use avaliacao::run;

/// Roda `program args` e devolve (código de saída, stderr), conferindo que
/// não houve pânico.
fn fails(program: &str, args: &[&str]) -> (i32, String) {
    let output = run(program, args, b"");
    let code = output.status.code().expect("saiu com um código");
    assert_ne!(code, 0, "{program} {args:?} deveria falhar");
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    assert!(
        !output.stderr.contains("error:"),
        "mensagem em inglês: {}",
        output.stderr
    );
    (code, output.stderr)
}

#[test]
fn porta_que_nao_e_numero() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(program, &["cliente", "--porta", "abc"]);
        assert_eq!(code, 2);
        assert!(
            stderr.starts_with("erro: valor inválido 'abc' para '--porta <N>': a porta deve ser um número inteiro de 0 a 65535"),
            "{stderr}"
        );
    }
}

#[test]
fn porta_grande_demais() {
    let (_, stderr) = fails("udp-echo", &["servidor", "--porta", "70000"]);
    assert!(stderr.contains("de 0 a 65535"), "{stderr}");
}

#[test]
fn host_desconhecido() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(
            program,
            &["cliente", "--servidor", "nao-existe.invalid", "oi"],
        );
        assert_eq!(code, 1);
        assert!(
            stderr.contains("não foi possível encontrar o endereço de 'nao-existe.invalid'"),
            "{stderr}"
        );
    }
}

#[test]
fn endereco_que_nao_e_desta_maquina() {
    // 192.0.2.1 é reservado para documentação (RFC 5737): nunca é desta máquina.
    let (code, stderr) = fails(
        "tcp-echo",
        &["servidor", "--endereco", "192.0.2.1", "--porta", "0"],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("não pertence a esta máquina"), "{stderr}");
}

#[test]
fn timeout_invalido() {
    let (_, stderr) = fails("udp-echo", &["cliente", "--timeout", "0"]);
    assert!(stderr.contains("maior que zero"), "{stderr}");
    let (_, stderr) = fails("udp-echo", &["cliente", "--tentativas", "0"]);
    assert!(stderr.contains("maior que zero"), "{stderr}");
}

#[test]
fn opcao_desconhecida_sugere_a_certa() {
    let (code, stderr) = fails("udp-echo", &["cliente", "--timeot", "1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("opção desconhecida '--timeot'"), "{stderr}");
    assert!(stderr.contains("você quis dizer '--timeout'?"), "{stderr}");
}

#[test]
fn subcomando_desconhecido() {
    let (code, stderr) = fails("tcp-echo", &["servir"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("subcomando desconhecido 'servir'"),
        "{stderr}"
    );
}

#[test]
fn sem_subcomando_mostra_a_ajuda() {
    let output = run("udp-echo", &[], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stderr.contains("Uso: udp-echo <SUBCOMANDO>"),
        "{}",
        output.stderr
    );
}

#[test]
fn saida_fechada_no_meio_nao_causa_panico() {
    // `udp-echo ping | head -2`: o head fecha a saída depois de 2 linhas.
    let server = avaliacao::Server::start("udp-echo", &[]);
    let script = format!(
        "'{}' ping --porta {} --contagem 50 --intervalo 5 | head -2",
        avaliacao::binary("udp-echo").display(),
        server.port()
    );
    let mut command = std::process::Command::new("sh");
    command.args(["-c", &script]);
    let output = avaliacao::run_command(command, b"");
    assert_eq!(output.stdout_text().lines().count(), 2);
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
}
