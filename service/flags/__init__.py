"""The flags report: what managers must look at."""
