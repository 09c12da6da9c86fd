-- html.lua: pandoc filter for the HTML deck. It does what patat does in the
-- terminal: a code block of class "replay" is followed by its output, one
-- of class "frame" is replaced by it (both run by slides/show.sh over the
-- recorded trace). A paragraph that names a figure (`slides/figures/X.svg`)
-- is followed by the figure itself, which --self-contained embeds. A
-- paragraph that sends the demo to a scene ("Demo: ... scene N, NAME") is
-- followed by that scene's recorded frame (slides/figures/scene-NAME.txt):
-- on paper, and in a browser without the demo beside it, the scene still
-- shows its idea.

local function run(text)
  local ok, out = pcall(pandoc.pipe, "sh", {"slides/show.sh"}, text)
  if not ok then
    error("slides/show.sh failed on:\n" .. text .. "\n" .. tostring(out))
  end
  return out
end

function CodeBlock(el)
  if el.classes:includes("replay") then
    return {pandoc.CodeBlock(el.text), pandoc.CodeBlock(run(el.text), {class = "output"})}
  elseif el.classes:includes("frame") then
    return pandoc.CodeBlock(run(el.text), {class = "output"})
  end
end

-- Returns the recorded frame of the scene a "Demo:" paragraph names, or nil.
local function scene_frame(el)
  local name = pandoc.utils.stringify(el):match("^Demo:.-scene %d+, ([%w-]+)")
  if name == nil then
    return nil
  end
  local path = "slides/figures/scene-" .. name .. ".txt"
  local f = io.open(path, "r")
  if f == nil then
    error("no recorded frame for scene " .. name .. ": " .. path .. " (./run slides --refresh)")
  end
  local text = f:read("a")
  f:close()
  return pandoc.CodeBlock(text, {class = "output"})
end

function Para(el)
  local frame = scene_frame(el)
  if frame ~= nil then
    return {el, frame}
  end
  local figures = {}
  for _, inline in ipairs(el.content) do
    if inline.t == "Code" and inline.text:match("^slides/figures/[%w-]+%.svg$") then
      table.insert(figures, pandoc.Para({pandoc.Image({}, inline.text)}))
    end
  end
  if #figures > 0 then
    table.insert(figures, 1, el)
    return figures
  end
end
