// The one-machine host: replaced by the real host and CLI.
return 0;
