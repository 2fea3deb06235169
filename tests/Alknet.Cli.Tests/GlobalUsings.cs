global using NUnit.Framework;

// Some tests set process environment variables (ALKNET_*) that the options read as defaults; one test at a time.
[assembly: NonParallelizable]
