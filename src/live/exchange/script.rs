//! The scripts of the scenarios: which socket calls run, in which order.

use std::io;

use super::{Exchange, Op, Scenario, Sock};

impl Exchange {
    pub(super) fn build(&mut self) {
        use Op::*;
        use Sock::*;
        let n_clients = if self.scenario == Scenario::Backlog {
            3
        } else {
            1
        };
        self.clients = (0..n_clients).map(|_| None).collect();
        self.conns = (0..n_clients).map(|_| None).collect();
        let (c, conn) = (Client(0), Conn(0));
        if self.scenario == Scenario::Refused {
            self.push(Socket(c));
            self.push(Bind(c));
            self.push_expect(Connect(0), Some(io::ErrorKind::ConnectionRefused));
            self.push(Close(c));
            return;
        }
        self.push(Socket(Listener));
        self.push(Bind(Listener));
        self.push(Listen(if n_clients > 1 { 3 } else { 1 }));
        if self.scenario == Scenario::Backlog {
            for i in 0..n_clients {
                self.push(Socket(Client(i)));
                self.push(Bind(Client(i)));
                self.push(Connect(i));
            }
            for i in 0..n_clients {
                self.push(Accept(i));
            }
            for i in 0..n_clients {
                self.push(Send(
                    Client(i),
                    format!("hello from c{}", i + 1).into_bytes(),
                ));
                self.push(Recv(Conn(i)));
                self.push(Close(Client(i)));
                self.push(Recv(Conn(i)));
                self.push(Close(Conn(i)));
            }
            self.push(Close(Listener));
            return;
        }
        self.push(Socket(c));
        self.push(Bind(c));
        self.push(Connect(0));
        self.push(Accept(0));
        let echo = |ex: &mut Exchange, msg: &[u8]| {
            ex.push(Send(c, msg.to_vec()));
            ex.push(Recv(conn));
            ex.push(Send(conn, msg.to_vec()));
            ex.push(Recv(c));
        };
        match self.scenario {
            Scenario::Normal => {
                echo(self, b"hello");
                self.push(Close(c));
                self.push(Recv(conn));
                self.push(Close(conn));
            }
            Scenario::ServerFirst => {
                echo(self, b"hello");
                self.push(Close(conn));
                self.push(Recv(c));
                self.push(Close(c));
            }
            Scenario::HalfClose => {
                self.push(Send(c, b"hello".to_vec()));
                self.push(Shutdown(c));
                self.push(Recv(conn));
                self.push(Recv(conn));
                self.push(Send(conn, b"still here".to_vec()));
                self.push(Recv(c));
                self.push(Close(conn));
                self.push(Recv(c));
                self.push(Close(c));
            }
            Scenario::Abort => {
                self.push(Send(c, b"hello".to_vec()));
                self.push(Recv(conn));
                self.push(SetLinger(c));
                self.push(Close(c));
                self.push_expect(Recv(conn), Some(io::ErrorKind::ConnectionReset));
                self.push(Close(conn));
            }
            Scenario::Chat => {
                for m in [&b"hi"[..], b"how are you?", b"bye"] {
                    echo(self, m);
                }
                self.push(Close(c));
                self.push(Recv(conn));
                self.push(Close(conn));
            }
            Scenario::Refused | Scenario::Backlog => unreachable!("handled above"),
        }
        self.push(Close(Listener));
    }

}
