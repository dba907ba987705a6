//! The scripts of the scenarios: which socket calls run, in which order.

use std::io;

use super::{Exchange, Op, Scenario, Sock};

impl Exchange {
    pub(super) fn build(&mut self) {
        use Op::*;
        use Sock::*;
        let n_clients = match self.scenario {
            Scenario::Backlog => 3,
            Scenario::SecondClient => 2,
            _ => 1,
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
        if self.scenario == Scenario::Udp {
            self.udp();
            return;
        }
        if self.scenario == Scenario::SecondClient {
            self.second_client();
            return;
        }
        self.push(Socket(Listener));
        if self.scenario == Scenario::ReuseAddr {
            self.push(SetReuseAddr(Listener));
        }
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
            Scenario::ReuseAddr => {
                echo(self, b"hello");
                // The server closes first: its side ends in TIME_WAIT.
                self.push(Close(conn));
                self.push(Recv(c));
                self.push(Close(c));
                self.push(Close(Listener));
                // The restarted server, first as most tutorials write it ...
                self.push(Socket(Listener));
                self.push_expect(Bind(Listener), Some(io::ErrorKind::AddrInUse));
                self.push(Close(Listener));
                // ... then with SO_REUSEADDR before bind().
                self.push(Socket(Listener));
                self.push(SetReuseAddr(Listener));
                self.push(Bind(Listener));
                self.push(Listen(1));
            }
            Scenario::Refused | Scenario::Backlog | Scenario::SecondClient | Scenario::Udp => {
                unreachable!("handled above")
            }
        }
        self.push(Close(Listener));
    }

    /// A server that serves one client at a time; the second client's
    /// handshake and data wait in the kernel until the first one leaves.
    fn second_client(&mut self) {
        use Op::*;
        use Sock::*;
        self.push(Socket(Listener));
        self.push(Bind(Listener));
        self.push(Listen(1));
        for i in 0..2 {
            self.push(Socket(Client(i)));
            self.push(Bind(Client(i)));
        }
        self.push(Connect(0));
        self.push(Accept(0));
        self.push(Connect(1));
        self.push(Send(Client(0), b"hello from c1".to_vec()));
        self.push(Recv(Conn(0)));
        self.push(Send(Conn(0), b"hello from c1".to_vec()));
        self.push(Recv(Client(0)));
        self.push(Send(Client(1), b"hello from c2".to_vec()));
        self.push(Close(Client(0)));
        self.push(Recv(Conn(0)));
        self.push(Close(Conn(0)));
        // Only now does the server loop come back to accept().
        self.push(Accept(1));
        self.push(Recv(Conn(1)));
        self.push(Send(Conn(1), b"hello from c2".to_vec()));
        self.push(Recv(Client(1)));
        self.push(Close(Client(1)));
        self.push(Recv(Conn(1)));
        self.push(Close(Conn(1)));
        self.push(Close(Listener));
    }

    /// The tutorial's UDP echo, then a datagram to a port nobody listens on.
    fn udp(&mut self) {
        use Op::*;
        use Sock::*;
        let c = Client(0);
        self.push(Socket(Listener));
        self.push(Bind(Listener));
        self.push(Socket(c));
        self.push(Bind(c));
        self.push(SendTo(c, b"hello".to_vec()));
        self.push(RecvFrom(Listener));
        self.push(SendTo(Listener, b"hello".to_vec()));
        self.push(RecvFrom(c));
        // No FIN: close() only frees the socket.
        self.push(Close(Listener));
        // No SYN: connect() only records the peer ...
        self.push(Connect(0));
        // ... so this datagram goes to a closed port: ICMP port unreachable,
        // which the connected socket reports at its next call.
        self.push(Send(c, b"anyone there?".to_vec()));
        self.push_expect(Recv(c), Some(io::ErrorKind::ConnectionRefused));
        self.push(Close(c));
    }
}
