//! Uma sessão de aula inteira, guardada em snapshot: o que o servidor
//! escreve e o que o cliente mostra, com as portas trocadas por `[PORTA]`.

use avaliacao::{Server, hide_ports, run};

fn transcript(program: &str, sentences: &[&str]) -> String {
    let mut server = Server::start(program, &[]);
    let port = server.port().to_string();
    let mut text = String::new();
    for sentence in sentences {
        let output = run(program, &["cliente", "--porta", &port, sentence], b"");
        assert!(output.status.success(), "{}", output.stderr);
        text.push_str(&format!(
            "$ {program} cliente --porta [PORTA] \"{sentence}\"\n"
        ));
        text.push_str(&output.stdout_text());
    }
    // Espera o registro da última frase antes de parar o servidor.
    let last = sentences.last().expect("ao menos uma frase");
    assert!(server.wait_for_log(last));
    if program == "tcp-echo" {
        assert!(avaliacao::wait_until(|| {
            server
                .log()
                .iter()
                .filter(|l| l.contains("encerrada"))
                .count()
                == sentences.len()
        }));
    }
    assert!(server.stop_with("INT").success());
    text.push_str(&format!("\n--- saída de {program} servidor ---\n"));
    text.push_str(&server.log().join("\n"));
    hide_ports(&text)
}

#[test]
fn transcricao_udp() {
    insta::assert_snapshot!(transcript(
        "udp-echo",
        &["olá mundo", "conexão não confiável"]
    ));
}

#[test]
fn transcricao_tcp() {
    insta::assert_snapshot!(transcript("tcp-echo", &["olá mundo", "conexão confiável"]));
}
