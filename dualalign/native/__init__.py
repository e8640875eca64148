"""llama.cpp's native code, proven in a child process before this process runs it.

The local model runs llama.cpp in-process, and a CPU-specific kernel that crashes (the AMX
path on some Intel Xeons) would kill the whole command. Here every native step is first done
in a child: a probe loads the model and decodes, with and without llama.cpp's extra buffer
types, and the parent loads the model only with settings that survived.

Import the submodules: ``plan`` (the chosen path), ``probe`` (child runs), ``cpu``,
``params`` (the llama.cpp switch), ``quantize``; this package imports nothing itself, so the
child (``child``) starts without pydantic.
"""
